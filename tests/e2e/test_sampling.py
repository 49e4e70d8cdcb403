"""`delegate` through the MCP client's own model (sampling), with the official SDKs.

A server with no model configured (no `[providers]`, no `[models]`, no API key in its
environment, nothing listening on the local model servers' default ports) can still delegate
for a client that declared sampling: the client's `sampling_callback` receives the
instructions, a system prompt, the output bound and the caller's priorities as model
preferences, and `delegate` returns the client's answer with a decision record saying the
client's own model answered, with estimated usage.

* Handshake era (SDK 1.x and 2.x `mode="legacy"`; stdio, Streamable HTTP, SSE): the server
  sends `sampling/createMessage` to the client in the same session.
* 2026-07-28 (SDK 2.x): that era has no server-to-client requests; the call answers with an
  input-required result carrying the sampling request, and the SDK retries with its answer
  (the wire shapes are checked raw in test_delegate_mrtr.py).

A client that declared no sampling gets the error that says how to configure a model.
"""

from __future__ import annotations

import socket
import uuid
from typing import Any

import pytest

from mcpclient import ERAS, HANDSHAKE, MODERN, SDK_GEN, connect, field

pytestmark = pytest.mark.anyio

#: No model anywhere: what the server may delegate to is only the client's own model.
NO_MODEL_CONFIG = """\
[identity]
user = "e2e-user"

[notes]
enabled = true
"""

PRIORITIES = {"cost": 0.2, "speed": 0.3, "quality": 0.9}
INSTRUCTIONS = "Summarize the build log below in one sentence for the release notes."
INPUT = "step 1 ok\nstep 2 ok\nstep 3 FAILED: the test database was not running\n"
MAX_OUTPUT_TOKENS = 200

#: Keys that would make a hosted provider available (build.rs: BUILT_INS).
PROVIDER_KEYS = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"]
#: Where the server looks for local model servers: Ollama, llama.cpp, LM Studio, vLLM.
LOCAL_MODEL_PORTS = [11434, 8080, 1234, 8000]


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(autouse=True)
def no_local_model_server():
    """The premise of these tests: nothing the server could discover. If something listens on
    a default port, the server would route to it instead of the client's model, and the
    assertions below would fail for the wrong reason; say so plainly."""
    busy = [port for port in LOCAL_MODEL_PORTS if _listening(port)]
    if busy:
        pytest.fail(
            f"something listens on 127.0.0.1:{busy}, a default port of a local model server; "
            "Switchyard would discover it, so these no-model tests cannot run here (stop it)"
        )


class Sampler:
    """A sampling callback that records each request and answers with a fixed text."""

    def __init__(self) -> None:
        self.answer = f"SAMPLED {uuid.uuid4().hex[:12]}: the build failed because the test database was down."
        self.requests: list[Any] = []

    async def __call__(self, context: Any, params: Any) -> Any:
        import mcp.types as types

        self.requests.append(params)
        return types.CreateMessageResult.model_validate(
            {
                "role": "assistant",
                "content": {"type": "text", "text": self.answer},
                "model": "e2e-client-model",
                "stopReason": "endTurn",
            }
        )


def _message_text(message: Any) -> str:
    content = message.content
    blocks = content if isinstance(content, list) else [content]
    return "\n".join(getattr(block, "text", "") or "" for block in blocks)


def _delegate_args() -> dict[str, Any]:
    return {
        "task": "summarize",
        "instructions": INSTRUCTIONS,
        "input": INPUT,
        "priorities": PRIORITIES,
        "max_output_tokens": MAX_OUTPUT_TOKENS,
    }


def _check_sampling_request(sampler: Sampler) -> None:
    """What the client was asked: one request with the instructions, a system prompt, the
    output bound, and the caller's priorities as model preferences."""
    assert len(sampler.requests) == 1, f"expected one sampling request, got {len(sampler.requests)}"
    params = sampler.requests[0]
    messages = params.messages
    assert len(messages) == 1 and messages[0].role == "user", messages
    sent = _message_text(messages[0])
    assert INSTRUCTIONS in sent and "test database was not running" in sent, sent
    system = field(params, "system_prompt")
    assert system and "summarize" in system, system
    assert field(params, "max_tokens") == MAX_OUTPUT_TOKENS
    prefs = field(params, "model_preferences")
    assert prefs is not None, "no modelPreferences in the sampling request"
    assert field(prefs, "cost_priority") == pytest.approx(PRIORITIES["cost"], abs=1e-6)
    assert field(prefs, "speed_priority") == pytest.approx(PRIORITIES["speed"], abs=1e-6)
    assert field(prefs, "intelligence_priority") == pytest.approx(PRIORITIES["quality"], abs=1e-6)
    assert not (prefs.hints or []), f"no model hint is expected for the client's own model: {prefs.hints}"


def _check_sampled_result(result: Any, sampler: Sampler) -> None:
    """What the caller got back: the client's answer and a record saying who answered."""
    assert not result.is_error, result.text
    assert result.text.startswith(sampler.answer), result.text
    assert "answered by: client (provider client)" in result.text, result.text
    assert "(estimated: the provider reported none)" in result.text, result.text
    record = field(result.raw, "structured_content")
    assert record, "delegate returned no structured content"
    assert record["executed"] is True
    assert record["answer"] == sampler.answer
    assert (record["model"], record["provider"]) == ("client", "client")
    assert "the MCP client's own model through sampling" in record["rule"], record["rule"]
    assert f"rule: {record['rule']}" in result.text
    usage = record["usage"]
    assert usage["estimated"] is True
    assert usage["input_tokens"] > 0 and usage["output_tokens"] > 0, usage
    assert record["cost_micros"] == 0
    assert [(a["model"], a["outcome"]) for a in record["attempts"]] == [("client", "ok")]


def _check_configuration_error(result: Any) -> None:
    assert result.is_error, f"delegate succeeded without any model:\n{result.text}"
    assert "no model is available" in result.text, result.text
    for hint in ["OPENAI_API_KEY", "[providers.", "127.0.0.1:8080"]:
        assert hint in result.text, f"the error does not say how to configure a model ({hint}):\n{result.text}"


@pytest.mark.parametrize("transport", ["stdio", "http", "sse"])
async def test_handshake_client_answers_through_sampling(transport, serve_config, sandbox):
    env = sandbox.env()
    assert not [key for key in PROVIDER_KEYS if key in env], "the server's environment must hold no provider key"
    target = serve_config(NO_MODEL_CONFIG, transport)
    sampler = Sampler()
    async with connect(transport, target, HANDSHAKE, sampling_callback=sampler) as conn:
        result = await conn.call("delegate", _delegate_args())
    _check_sampling_request(sampler)
    _check_sampled_result(result, sampler)


@pytest.mark.skipif(SDK_GEN < 2, reason="mcp 1.x speaks only the handshake era")
@pytest.mark.parametrize("transport", ["stdio", "http"])
async def test_stateless_client_answers_through_an_input_required_result(transport, serve_config):
    target = serve_config(NO_MODEL_CONFIG, transport)
    sampler = Sampler()
    async with connect(transport, target, MODERN, sampling_callback=sampler) as conn:
        assert conn.protocol_version == MODERN, "server/discover was not adopted"
        result = await conn.call("delegate", _delegate_args())
    _check_sampling_request(sampler)
    _check_sampled_result(result, sampler)


@pytest.mark.parametrize("era", ERAS)
async def test_client_without_sampling_gets_the_configuration_error(era, serve_config):
    target = serve_config(NO_MODEL_CONFIG, "stdio")
    async with connect("stdio", target, era) as conn:
        result = await conn.call("delegate", _delegate_args())
    _check_configuration_error(result)
