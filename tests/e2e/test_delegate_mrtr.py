"""`delegate` lending the client's own model to a 2026-07-28 client, which forbids
server-to-client requests: the call answers with an input-required result carrying a
`sampling/createMessage` request; the client retries with its answer and the requestState.

Raw HTTP: the exact wire shapes are what is under test (the SDKs would hide them).
"""

from __future__ import annotations

import copy

from rawio import mcp_post

MODERN = "2026-07-28"


def meta(capabilities: dict) -> dict:
    return {
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientInfo": {"name": "switchyard-e2e-mrtr", "version": "0"},
        "io.modelcontextprotocol/clientCapabilities": capabilities,
    }


HEADERS = {"MCP-Protocol-Version": MODERN, "Mcp-Method": "tools/call", "Mcp-Name": "delegate"}

ARGUMENTS = {
    "task": "commit_message",
    "instructions": "Write a one-line commit message for this change.",
    "input": "- retries = 3\n+ retries = 5",
    "priorities": {"cost": 0.2, "speed": 0.3, "quality": 0.9},
}


def call(port: int, request_id: int, params: dict) -> dict:
    status, _, reply = mcp_post(
        port,
        {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params},
        HEADERS,
    )
    assert status == 200, (status, reply)
    return reply


def test_the_clients_model_answers_in_a_second_round_trip(http_server):
    first = call(
        http_server.port,
        1,
        {"name": "delegate", "arguments": ARGUMENTS, "_meta": meta({"sampling": {}})},
    )
    result = first["result"]
    assert result.get("resultType") == "input_required", result
    request = result["inputRequests"]["delegate_sampling"]
    assert request["method"] == "sampling/createMessage", request
    params = request["params"]
    assert params["messages"][0]["content"]["text"].startswith("Write a one-line commit message"), params
    assert "<input>" in params["messages"][0]["content"]["text"]
    assert "commit message sub-task" in params["systemPrompt"]
    preferences = params["modelPreferences"]
    assert abs(preferences["costPriority"] - 0.2) < 1e-6
    assert abs(preferences["speedPriority"] - 0.3) < 1e-6
    assert abs(preferences["intelligencePriority"] - 0.9) < 1e-6
    state = result["requestState"]

    answer = {
        "role": "assistant",
        "content": {"type": "text", "text": "Raise the retry limit to 5"},
        "model": "client-model-x",
        "stopReason": "endTurn",
    }
    second = call(
        http_server.port,
        2,
        {
            "name": "delegate",
            "arguments": ARGUMENTS,
            "inputResponses": {"delegate_sampling": answer},
            "requestState": state,
            "_meta": meta({"sampling": {}}),
        },
    )
    final = second["result"]
    assert final.get("isError") is False, final
    text = final["content"][0]["text"]
    assert text.startswith("Raise the retry limit to 5"), text
    assert "answered by: client (provider client)" in text, text
    assert "the MCP client's own model through sampling" in text, text
    record = final["structuredContent"]
    assert record["model"] == "client" and record["usage"]["estimated"] is True, record


def test_a_retry_with_other_arguments_or_state_is_refused(http_server):
    first = call(http_server.port, 3, {"name": "delegate", "arguments": ARGUMENTS, "_meta": meta({"sampling": {}})})
    state = first["result"]["requestState"]
    other = copy.deepcopy(ARGUMENTS)
    other["instructions"] = "Something else entirely."
    answer = {"role": "assistant", "content": {"type": "text", "text": "x"}, "model": "m"}
    for arguments, request_state in [(other, state), (ARGUMENTS, state + "0")]:
        reply = call(
            http_server.port,
            4,
            {
                "name": "delegate",
                "arguments": arguments,
                "inputResponses": {"delegate_sampling": answer},
                "requestState": request_state,
                "_meta": meta({"sampling": {}}),
            },
        )
        assert reply["error"]["code"] == -32602, reply
        assert "requestState does not match" in reply["error"]["message"]


def test_without_sampling_the_error_says_how_to_configure_a_model(http_server):
    reply = call(http_server.port, 5, {"name": "delegate", "arguments": ARGUMENTS, "_meta": meta({})})
    result = reply["result"]
    assert result["isError"] is True, result
    text = result["content"][0]["text"]
    assert "no model is available" in text and "OPENAI_API_KEY" in text, text
