"""The locales Amazon Lex V2 supports, and their display names in exports."""

from __future__ import annotations

LEX_LOCALES: dict[str, str] = {
    "ar_AE": "Arabic (Gulf)",
    "ca_ES": "Catalan (Spain)",
    "de_AT": "German (Austria)",
    "de_DE": "German (Germany)",
    "en_AU": "English (Australia)",
    "en_GB": "English (GB)",
    "en_IN": "English (India)",
    "en_US": "English (US)",
    "en_ZA": "English (South Africa)",
    "es_419": "Spanish (Latin America)",
    "es_ES": "Spanish (Spain)",
    "es_US": "Spanish (US)",
    "fi_FI": "Finnish (Finland)",
    "fr_CA": "French (Canada)",
    "fr_FR": "French (France)",
    "hi_IN": "Hindi (India)",
    "it_IT": "Italian (Italy)",
    "ja_JP": "Japanese (Japan)",
    "ko_KR": "Korean (Korea)",
    "nl_NL": "Dutch (Netherlands)",
    "no_NO": "Norwegian (Norway)",
    "pl_PL": "Polish (Poland)",
    "pt_BR": "Portuguese (Brazil)",
    "pt_PT": "Portuguese (Portugal)",
    "sv_SE": "Swedish (Sweden)",
    "zh_CN": "Mandarin (PRC)",
    "zh_HK": "Cantonese (Hong Kong)",
}
"""Lex V2's long-standing GA locales (lex-v2-notes 5.3), id -> console display name."""


def locale_display_name(locale_id: str) -> str:
    return LEX_LOCALES.get(locale_id, locale_id)


def is_supported_locale(locale_id: str) -> bool:
    return locale_id in LEX_LOCALES
