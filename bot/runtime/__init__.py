"""The local Lex V2 runtime: NLU, slot resolution, the dialog engine and the runtime HTTP API."""
