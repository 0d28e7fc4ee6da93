"""Conversation flow (next steps, flow responses) as loaded from the real console exports.

The lex-helper and Bedrock samples cover initial response settings, slot capture chains, confirmation and
post-fulfilment next steps, and closing steps, including the nulls and empty objects the console writes.
"""

from __future__ import annotations

import pytest

from bot.lexjson import load_package
from bot.model import FlowStep
from tests.lexjson_flow_support import _intent, _say, _slot, _step
from tests.lexjson_support import BEDROCK, LEX_HELPER, _export


@pytest.mark.parametrize("locale_id", ["en_US", "it_IT"])
def test_lex_helper_authenticate_flow_is_read(locale_id: str) -> None:
    # GIVEN the lex-helper airline bot WHEN it is loaded
    bot = load_package(_export(LEX_HELPER))
    authenticate = _intent(bot, locale_id, "Authenticate")
    # THEN the initial response setting goes to the dialog code hook, with nothing said
    assert authenticate.initial == FlowStep(next_step=_step("InvokeDialogCodeHook"))
    # AND the AccountId slot fulfils when captured, and starts FallbackIntent when it is not
    account = _slot(authenticate, "AccountId")
    assert account.captured == FlowStep(next_step=_step("FulfillIntent"))
    assert account.capture_failed == FlowStep(next_step=_step("StartIntent", intent_name="FallbackIntent"))
    # AND fulfilment ends the conversation either way; there is no confirmation or closing
    assert authenticate.fulfilled == FlowStep(next_step=_step("EndConversation"))
    assert authenticate.fulfillment_failed == FlowStep(next_step=_step("EndConversation"))
    assert authenticate.confirmation is None
    assert authenticate.closing is None


def test_lex_helper_slot_chains_with_empty_attributes_and_null_intent() -> None:
    bot = load_package(_export(LEX_HELPER))
    # GIVEN BookFlight, whose steps carry "sessionAttributes": {} and "intent": {"slots": {}}
    book = _intent(bot, "en_US", "BookFlight")
    trip = _slot(book, "TripType")
    assert trip.captured == FlowStep(next_step=_step("ElicitSlot", slot_to_elicit="OriginCity"))
    assert _slot(book, "NumberOfPassengers").captured == FlowStep(next_step=_step("FulfillIntent"))
    # AND ChangeFlight, whose capture steps have "intent": null
    change = _intent(bot, "en_US", "ChangeFlight")
    reservation = _slot(change, "ReservationNumber")
    assert reservation.captured == FlowStep(next_step=_step("ElicitSlot", slot_to_elicit="NewDepartureDate"))


def test_bedrock_loan_application_flow_is_read() -> None:
    # GIVEN the Bedrock agent sample WHEN it is loaded
    bot = load_package(_export(BEDROCK))
    loan = _intent(bot, "en_US", "LoanApplication")
    # THEN following each slot's capture next step from UserName walks every slot, then confirms
    chain = ["UserName"]
    step = _slot(loan, "UserName").captured
    while step is not None and step.next_step is not None and step.next_step.action == "ElicitSlot":
        name = step.next_step.slot_to_elicit
        assert name is not None
        chain.append(name)
        step = _slot(loan, name).captured
    assert chain == [
        "UserName",
        "LoanValue",
        "MonthlyIncome",
        "WorkHistory",
        "CreditScore",
        "HousingExpense",
        "DebtAmount",
        "DownPayment",
        "Coborrow",
        "ClosingDate",
    ]
    assert step == FlowStep(next_step=_step("ConfirmIntent"))
    assert sorted(chain) == sorted(s.name for s in loan.slots)
    # AND ClosingDate's failure says something before starting FallbackIntent
    failed = _slot(loan, "ClosingDate").capture_failed
    assert failed is not None
    assert failed.response == _say("Give me one second...")
    assert failed.next_step == _step("StartIntent", intent_name="FallbackIntent")
    # AND the confirmation's next steps are kept (the declination's StartIntent names no intent)
    confirmation = loan.confirmation
    assert confirmation is not None
    assert confirmation.confirmed == FlowStep(next_step=_step("FulfillIntent"))
    assert confirmation.declined_next_step == _step("StartIntent")
    assert confirmation.failed == FlowStep(next_step=_step("StartIntent", intent_name="FallbackIntent"))
    # AND fulfilment succeeds into EndConversation, after the initial hook
    assert loan.initial == FlowStep(next_step=_step("InvokeDialogCodeHook"))
    assert loan.fulfilled == FlowStep(next_step=_step("EndConversation"))


def test_bedrock_post_fulfillment_responses_and_closing_next_steps() -> None:
    bot = load_package(_export(BEDROCK))
    # GIVEN FallbackIntent, with success and failure responses after fulfilment and an inactive closing
    fallback = _intent(bot, "en_US", "FallbackIntent")
    assert fallback.fulfilled is not None
    assert fallback.fulfilled.response is not None
    assert fallback.fulfilled.next_step == _step("EndConversation")
    assert fallback.fulfillment_failed == FlowStep(
        response=_say("Failure message"), next_step=_step("EndConversation")
    )
    assert fallback.closing is not None
    assert not fallback.closing.active
    assert fallback.closing.next_step == _step("EndConversation")
    # AND VerifyIdentity closes the intent after fulfilment and ends the conversation after closing
    verify = _intent(bot, "en_US", "VerifyIdentity")
    assert verify.fulfilled is not None
    assert verify.fulfilled.next_step == _step("CloseIntent")
    assert verify.closing is not None
    assert verify.closing.response is not None
    assert verify.closing.next_step == _step("EndConversation")
