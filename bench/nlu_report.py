"""The NLU benchmark's Markdown table, beside the published numbers, and its place in the docs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

BEGIN, END = "<!-- nlu:begin -->", "<!-- nlu:end -->"

CLINC_PUBLISHED = (
    # Larson et al. 2019, Full data, oos-threshold: in-scope accuracy / out-of-scope recall (%)
    ("Dialogflow", 90.8, 26.7),
    ("Rasa", 90.9, 31.2),
    ("SVM", 88.2, 18.0),
    ("MLP", 93.4, 49.1),
    ("BERT", 96.2, 52.3),
)
SNIPS_PUBLISHED = (
    # Coucke et al. 2018 / the 2017 benchmark: slot F1 at 70 queries per intent, and full training
    ("Alexa", 0.546, None),
    ("LUIS", 0.612, None),
    ("Dialogflow (API.ai)", 0.663, None),
    ("Snips NLU", 0.768, 0.916),
)


def _pct(value: float) -> str:
    return f"{value * 100:.1f}"


def render(results: dict[str, Any]) -> str:
    clinc = results["clinc150"]
    paper, default, accuracy = clinc["paper_rule"], clinc["engine_default"], clinc["accuracy_rule"]
    snips = results["snips"]
    small_key = next(key for key in snips if key.startswith("per_intent_"))
    small, full = snips[small_key], snips["full"]
    per_intent = small_key.removeprefix("per_intent_")
    lines = [
        f"CLINC150 (Full; test: {clinc['test_in_scope']} in-scope, "
        f"{clinc['test_out_of_scope']} out-of-scope)",
        "",
        "| system | in-scope accuracy % | out-of-scope recall % | out-of-scope precision % | threshold |",
        "|---|---|---|---|---|",
        f"| **Meety, paper rule** | **{_pct(paper['in_scope_accuracy'])}** | **{_pct(paper['oos_recall'])}** "
        f"| {_pct(paper['oos_precision'])} | {paper['threshold']:.3f} (from validation) |",
        f"| Meety, accuracy rule | {_pct(accuracy['in_scope_accuracy'])} | {_pct(accuracy['oos_recall'])} "
        f"| {_pct(accuracy['oos_precision'])} | {accuracy['threshold']:.3f} (from validation) |",
        f"| Meety, engine default | {_pct(default['in_scope_accuracy'])} | {_pct(default['oos_recall'])} "
        f"| {_pct(default['oos_precision'])} | {default['threshold']:.2f} (Lex's default) |",
        f"| Meety, no threshold | {_pct(clinc['accuracy_without_threshold'])} | 0.0 | - | - |",
        *(
            f"| {name} (published) | {acc:.1f} | {recall:.1f} | - | paper rule |"
            for name, acc, recall in CLINC_PUBLISHED
        ),
        "",
        f"Confidence AUROC (in-scope vs out-of-scope, threshold-free): {clinc['auroc']:.3f}. "
        f"Training {clinc['train_utterances']:,} utterances: {clinc['train_seconds']:.1f} s; "
        f"`interpret` p50 {clinc['interpret_ms_p50']:.3f} ms, p95 {clinc['interpret_ms_p95']:.3f} ms; "
        f"peak RSS {clinc['peak_rss_mb']:.0f} MB.",
        "",
        f"SNIPS 2017 (test: {snips['test_queries']} queries, 7 intents)",
        "",
        "| system | training | intent accuracy % | slot F1 | frame accuracy % |",
        "|---|---|---|---|---|",
        f"| **Meety** | {per_intent}/intent, mean of {len(small['seeds'])} draws | "
        f"{_pct(small['mean']['intent_accuracy'])} | **{small['mean']['slot_f1']:.3f}** "
        f"(range {small['range']['slot_f1'][0]:.3f}-{small['range']['slot_f1'][1]:.3f}) | "
        f"{_pct(small['mean']['frame_accuracy'])} |",
        f"| **Meety** | full ({full['sample_utterances']:,} sample utterances) | "
        f"{_pct(full['intent_accuracy'])} | **{full['slot_f1']:.3f}** | {_pct(full['frame_accuracy'])} |",
    ]
    for name, at_70, at_full in SNIPS_PUBLISHED:
        lines.append(f"| {name} (published) | 70/intent | - | {at_70:.3f} | - |")
        if at_full is not None:
            lines.append(f"| {name} (published) | full | - | {at_full:.3f} | - |")
    small_seconds = max(run["train_seconds"] for run in small["seeds"].values())
    lines += [
        "",
        f"Training: {small_seconds:.1f} s at {per_intent}/intent, {full['train_seconds']:.1f} s full. "
        f"RecognizeText turn (intent + slot filling): p50 {full['turn_ms_p50']:.2f} ms, "
        f"p95 {full['turn_ms_p95']:.2f} ms (full model).",
    ]
    return "\n".join(lines)


def update_docs(path: Path, table: str) -> None:
    """Replace the text between the markers (appending a section with them if they are missing)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{BEGIN}\n{table}\n{END}"
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
