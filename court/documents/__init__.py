"""Court documents as PDFs (notices, certificates, the record, judgments), signed by the court
(PAdES, pyHanko) and verifiable offline. docs/documents.md says how and why."""
