"""Small talk: the ways into the bot (hello, help) and the way out of a misunderstanding.

None of these call code: Lex answers them with a closing response and a card of
buttons, so a user always sees what Meety can do and can tap instead of type.
Each button sends a sample utterance of the intent it leads to.
"""

from __future__ import annotations

from bot.spec import ButtonSpec, CardSpec, IntentSpec, MessageSpec, ResponseSpec


def _menu(intent: str, *buttons: str, subtitle: bool = False) -> CardSpec:
    """A card titled ``<intent>.card.title`` whose buttons are shared: ``Buttons.<name>.text|value``."""
    return CardSpec(
        title=f"{intent}.card.title",
        subtitle=f"{intent}.card.subtitle" if subtitle else None,
        buttons=tuple(ButtonSpec(text=f"Buttons.{b}.text", value=f"Buttons.{b}.value") for b in buttons),
    )


GREETING = IntentSpec(
    name="Greeting",
    description="The user says hello; Meety introduces itself and offers a menu.",
    utterances="Greeting.utterances",
    closing=ResponseSpec(
        messages=(
            MessageSpec(
                text="Greeting.closing",
                card=_menu("Greeting", "BookMeeting", "MyMeetings", "DeployStatus", "Help"),
            ),
        ),
    ),
)

HELP = IntentSpec(
    name="Help",
    description="The user asks what Meety can do; Meety lists its capabilities with a menu.",
    utterances="Help.utterances",
    closing=ResponseSpec(
        messages=(
            MessageSpec(
                text="Help.closing",
                card=_menu(
                    "Help",
                    "BookMeeting",
                    "MyMeetings",
                    "CancelMeeting",
                    "DeployStatus",
                    "RecentAlarms",
                    subtitle=True,
                ),
            ),
        ),
    ),
)

FALLBACK = IntentSpec(
    name="FallbackIntent",
    description="Nothing matched: apologize and point at what Meety understands.",
    parent="AMAZON.FallbackIntent",
    closing=ResponseSpec(
        messages=(
            MessageSpec(text="FallbackIntent.closing"),
            MessageSpec(
                text="FallbackIntent.suggestion",
                card=_menu("FallbackIntent", "BookMeeting", "MyMeetings", "Help"),
            ),
        ),
    ),
)

INTENTS: tuple[IntentSpec, ...] = (GREETING, HELP, FALLBACK)
