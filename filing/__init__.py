"""The filing procedure: from a litigant's first message to an accepted, served case.

The flows are data (`flows/definitions/filing.v*.yaml`); this package holds what they name:
validators of what a filing asks, guards, actions, formatters of its notices, the proposed track
and fee, and the service calls only the court can answer. `register` adds them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from court.procedures import Procedures
from filing import actions, formatters, guards, service_calls, validators
from filing.assessment import assess_by_case_type


def register(procedures: Procedures, settings: Mapping[str, Any]) -> None:
    """Add filing's named behaviour; `settings` feed the formatters (limits, ceilings)."""
    registry = procedures.registry
    registry.validators.update(
        resident_id=validators.resident_id,
        credit_code=validators.credit_code,
        phone=validators.phone,
        e_address=validators.e_address,
        possible_track=validators.possible_track,
    )
    registry.guards.update(
        defendant_is_company=guards.defendant_is_company,
        routed_elsewhere=guards.routed_elsewhere,
        small_claims_agreement_possible=guards.small_claims_agreement_possible(settings),
        track_possible=guards.track_possible(settings),
    )
    registry.actions.update(
        finalize_filing=actions.finalize_filing,
        finalize_typed_filing=actions.finalize_typed_filing,
        request_case_number=actions.request_case_number,
        request_typed_case_number=actions.request_typed_case_number,
        record_defendant_consent=actions.record_defendant_consent,
        withdraw_e_service_consent=actions.withdraw_e_service_consent,
        check_identity=actions.check_identity,
        check_plaintiff_identity=actions.check_plaintiff_identity,
        recheck_plaintiff_identity=actions.recheck_plaintiff_identity,
        invite_defendant=actions.invite_defendant,
        request_payment=actions.request_payment,
        acceptance_notices=actions.acceptance_notices,
        representative_check=actions.representative_check,
        representative_asked=actions.representative_asked,
        release_defendant=actions.release_defendant,
        representative_refused=actions.representative_refused,
        representative_more_requested=actions.representative_more_requested,
        representative_lapsed=actions.representative_lapsed,
        record_defendant_notice=actions.record_defendant_notice,
        track_decided=actions.track_decided,
        pay_if_chosen=actions.pay_if_chosen,
        fee_relief_decided=actions.fee_relief_decided,
        fee_reduced=actions.fee_reduced,
        fee_notice_again=actions.fee_notice_again,
        defendant_notice=actions.defendant_notice,
    )
    shaped = formatters.Formatters(settings)
    typed = formatters.Formatters(settings, assess_by_case_type)  # filing v4: fees by case type
    registry.formatters.update(
        typed_filing_summary=typed.filing_summary,
        typed_correction_summary=typed.correction_summary,
        correction_period=typed.correction_period,
        typed_identity_mismatch_notice=typed.identity_mismatch_notice,
        representative_documents=shaped.representative_documents,
        representative_review=formatters.representative_review,
        filing_summary=shaped.filing_summary,
        correction_summary=shaped.correction_summary,
        identity_mismatch_notice=shaped.identity_mismatch_notice,
        evidence_limits=shaped.evidence_limits,
        refusal_notice=formatters.refusal_notice,
        invitation_notice=formatters.invitation_notice,
        fee_notice=formatters.fee_notice,
        filing_reference=formatters.reference,
        track_proposal=formatters.track_proposal,
        fee_relief=formatters.fee_relief,
        notice_to_defendant=formatters.notice_to_defendant,
    )
    registry.signals["e_service_consent_withdrawn"] = actions.e_service_consent_withdrawn  # any stage (OLR 4-5)
    procedures.service_call("invite_defendant", service_calls.invite_defendant)
    procedures.service_call("serve_defendant_notice", service_calls.serve_defendant_notice)
    procedures.service_call("release_defendant", service_calls.release, changes_participants=True)
