"""Training of the restoration models (language model, OCR channel) from ../shared/corpus."""
