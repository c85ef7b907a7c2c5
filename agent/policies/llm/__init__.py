"""The model-driven exploration policy: proposals, the step loop, repair and the LLM judge
(prompt templates in prompts/)."""
