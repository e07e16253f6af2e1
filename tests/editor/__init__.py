"""Editor tests: a real language server (yaml-language-server) driven over LSP, and the corpus of mistakes."""
