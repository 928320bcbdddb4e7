"""The judge's workspace: a desktop page (/judge) where the court's judges and clerks follow their
cases, read the record by stage with the parties side by side, watch and hear what was filed, and
make the rulings the flows ask of the court; and the record's JSON API for the judge and the
parties. Independent of the web chat: it shares only the session (`gateway.requests`).

Reads come from `asynchronous_trial.workspace` and `asynchronous_trial.record`; every ruling goes
through the service layer's commands (`SubmitAnswer`, `DecideMoreTime`), so the one write path and
the one authorization check (`court.access.ruling_refusal`) hold here as in the chat."""
