"""Identity: ID-number validation, face matching, the face encoder adapter, liveness.

The pure parts (``id_numbers``, ``faces``, ``liveness``) import no face library; the adapter
(``encoder``) loads dlib through face_recognition and runs in a process pool.
"""
