"""reliability.no-retry: calls to third-party APIs in a module that has no retry/backoff anywhere."""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from checks.model import Hit
from checks.lang.python import dotted, qualname
from checks.registry import Context, Example, rule
from checks.reliability._py import bindings, module_strings, string_parts, unwrap_await
from checks.source import SourceFile

# SDK client constructors -> provider name.
_CLIENTS = {
    "openai.OpenAI": "OpenAI", "openai.AsyncOpenAI": "OpenAI", "openai.AzureOpenAI": "Azure OpenAI",
    "openai.AsyncAzureOpenAI": "Azure OpenAI",
    "anthropic.Anthropic": "Anthropic", "anthropic.AsyncAnthropic": "Anthropic",
    "anthropic.AnthropicBedrock": "Anthropic", "anthropic.AsyncAnthropicBedrock": "Anthropic",
    "twilio.rest.Client": "Twilio",
    "sendgrid.SendGridAPIClient": "SendGrid", "sendgrid.sendgrid.SendGridAPIClient": "SendGrid",
    "slack_sdk.WebClient": "Slack", "slack_sdk.web.WebClient": "Slack",
    "slack_sdk.web.async_client.AsyncWebClient": "Slack", "slack_sdk.AsyncWebClient": "Slack",
    "slack_sdk.webhook.WebhookClient": "Slack", "slack_sdk.webhook.async_client.AsyncWebhookClient": "Slack",
    "slack.WebClient": "Slack",
    "stripe.StripeClient": "Stripe",
    "smtplib.SMTP": "SMTP", "smtplib.SMTP_SSL": "SMTP", "aiosmtplib.SMTP": "SMTP",
    "mailchimp_transactional.Client": "Mailchimp",
}
_SMTP_SEND = {"sendmail", "send_message"}
_BOTO_SERVICES = {"ses": "AWS SES", "sesv2": "AWS SES", "sns": "AWS SNS"}
_BOTO_SEND = {"send_email", "send_raw_email", "send_templated_email", "send_bulk_templated_email",
              "send_bulk_email", "publish", "publish_batch"}
# Module-level SDK entry points: `stripe.PaymentIntent.create(...)`, `paypalrestsdk.Payment(...)`.
_SDK_MODULES = {"stripe": "Stripe", "openai": "OpenAI", "paypalrestsdk": "PayPal", "braintree": "Braintree",
                "resend": "Resend", "postmarker": "Postmark", "vonage": "Vonage"}
_SDK_ACTIONS = {"create", "retrieve", "modify", "confirm", "capture", "cancel", "send", "execute",
                "refund", "sale", "charge", "transaction"}
_HOSTS = {
    "api.stripe.com": "Stripe", "api.twilio.com": "Twilio", "api.openai.com": "OpenAI",
    "api.anthropic.com": "Anthropic", "api.sendgrid.com": "SendGrid", "hooks.slack.com": "Slack",
    "slack.com/api": "Slack", "graph.facebook.com": "Facebook Graph / WhatsApp",
    "api.whatsapp.com": "WhatsApp", "paypal.com": "PayPal", "api.mailgun.net": "Mailgun",
    "api.telegram.org": "Telegram", "api.postmarkapp.com": "Postmark", "api.resend.com": "Resend",
    "api.mistral.ai": "Mistral", "generativelanguage.googleapis.com": "Gemini",
    "api.groq.com": "Groq", "api.cohere.ai": "Cohere", "api.cohere.com": "Cohere",
    "openrouter.ai/api": "OpenRouter", "api.brevo.com": "Brevo", "api.sendinblue.com": "Brevo",
}
_HTTP_METHODS = {"get", "post", "put", "patch", "delete", "request", "stream"}
_HTTP_LIBS = ("requests", "httpx", "aiohttp", "urllib3", "urllib.request")
_RETRY_LIBS = ("tenacity", "backoff", "stamina", "retrying", "retry", "aiohttp_retry", "opnieuw",
               "redo", "retry2", "async_retrying")
_RETRY_WORD = re.compile(r"retr(y|ies|ied|ying)|backoff|attempts?\b|tries\b", re.I)


def _has_retry(nodes: list[ast.AST], imports: dict[str, str]) -> bool:
    """Any retry machinery in the module: libraries, Retry/adapters, retry-named code, retry loops."""
    for qual in imports.values():
        top = qual.split(".")[0]
        if top in _RETRY_LIBS or qual.endswith(".Retry") or "retry" in qual.lower():
            return True
    for node in nodes:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if _RETRY_WORD.search(node.name):
                return True
        elif isinstance(node, ast.keyword) and node.arg and _RETRY_WORD.search(node.arg):
            return True
        elif isinstance(node, ast.Name) and _RETRY_WORD.search(node.id):
            return True
        elif isinstance(node, ast.Attribute) and _RETRY_WORD.search(node.attr):
            return True
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            if any(isinstance(n, ast.Try) for b in node.body for n in ast.walk(b)):
                if isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.iter, ast.Call) \
                        and dotted(node.iter.func) == "range":
                    return True
                if any(isinstance(n, ast.Call) and (dotted(n.func) or "").endswith("sleep")
                       for b in node.body for n in ast.walk(b)):
                    return True
    return False


def _provider_of_url(node: ast.AST | None, consts: dict[str, str]) -> str | None:
    text = " ".join(string_parts(node, consts)).lower()
    for host, provider in _HOSTS.items():
        if host in text:
            return provider
    return None


def _client_bindings(f: SourceFile, imports: dict[str, str]) -> dict[str, str]:
    """Dotted names (`client`, `self.client`) bound to an SDK client -> provider."""
    out: dict[str, str] = {}
    for name, value, _stmt in bindings(f.python, f.python_of(ast.Assign, ast.AnnAssign, ast.NamedExpr,
                                                             ast.With, ast.AsyncWith)):
        value = unwrap_await(value)
        if not isinstance(value, ast.Call):
            continue
        q = qualname(value.func, imports) or ""
        if q in _CLIENTS:
            out[name] = _CLIENTS[q]
        elif q.split(".")[0] in _SDK_MODULES and q.count(".") == 1 and q.split(".")[1][:1].isupper():
            out[name] = "sdk:" + _SDK_MODULES[q.split(".")[0]]  # payment = paypalrestsdk.Payment({...})
        elif q in ("boto3.client", "boto3.session.Session.client") or q.endswith(".client") and "boto3" in q \
                or (isinstance(value.func, ast.Attribute) and value.func.attr == "client"
                    and "boto3" in (qualname(value.func.value, imports) or "")):
            svc = value.args[0] if value.args else next(
                (kw.value for kw in value.keywords if kw.arg == "service_name"), None)
            if isinstance(svc, ast.Constant) and svc.value in _BOTO_SERVICES:
                out[name] = _BOTO_SERVICES[svc.value]
    return out


def _outbound(call: ast.Call, imports: dict[str, str], clients: dict[str, str], consts: dict[str, str]
              ) -> str | None:
    """The provider a call talks to, if it is an outbound third-party API call."""
    func = call.func
    q = qualname(func, imports) or ""
    if not isinstance(func, ast.Attribute):
        return None
    method = func.attr
    # Raw HTTP to a provider host.
    if method in _HTTP_METHODS or q.endswith("urlopen"):
        url = call.args[0] if call.args else None
        if method == "request" and len(call.args) >= 2:
            url = call.args[1]
        for kw in call.keywords:
            if kw.arg in ("url",):
                url = kw.value
        provider = _provider_of_url(url, consts)
        if provider:
            return provider
    # SDK client method chains: client.chat.completions.create(...), client.messages.create(...)
    base = dotted(func.value) or ""
    for name, provider in clients.items():
        if base == name or base.startswith(name + "."):
            if provider.startswith("sdk:"):
                return provider[4:] if method in _SDK_ACTIONS else None
            if provider == "SMTP":
                return provider if method in _SMTP_SEND else None
            if provider.startswith("AWS"):
                return provider if method in _BOTO_SEND else None
            if method in ("close", "with_options", "copy", "quit", "login", "starttls", "ehlo"):
                return None
            return provider
    # Chained constructor: SendGridAPIClient(key).send(message)
    if isinstance(func.value, ast.Call):
        ctor = qualname(func.value.func, imports) or ""
        if ctor in _CLIENTS and method not in ("close", "with_options", "quit", "login", "starttls", "ehlo"):
            if _CLIENTS[ctor] != "SMTP" or method in _SMTP_SEND:
                return _CLIENTS[ctor]
    # Module-level SDK calls.
    top = q.split(".")[0]
    if top in _SDK_MODULES and q.count(".") >= 2:
        resource = q.split(".")[1]
        if resource[:1].isupper() and method in _SDK_ACTIONS | {"create_async", "list"}:
            return _SDK_MODULES[top]
    if top in _SDK_MODULES and q.count(".") >= 1 and isinstance(func.value, ast.Call):
        # paypalrestsdk.Payment({...}).create()
        inner = qualname(func.value.func, imports) or ""
        if inner.split(".")[0] == top and method in _SDK_ACTIONS:
            return _SDK_MODULES[top]
    return None


@rule(
    "reliability.no-retry",
    severity="MEDIUM",
    area="reliability",
    title="Third-party API call without retry",
    why="Payment, messaging, email and LLM APIs fail transiently (timeouts, 429 rate limits, 5xx): "
        "without a retry with backoff each blip becomes a lost message, payment or user-facing error.",
    fix="Wrap the call in a retry with exponential backoff and jitter (tenacity `@retry(stop=stop_after_attempt(3), "
        "wait=wait_exponential())`, backoff, stamina, or urllib3 `Retry` on the session), retrying only "
        "idempotent requests or ones sent with an idempotency key.",
    kinds={"python"},
    example=Example(
        path="app/notify.py",
        bad="import requests\n\nWHATSAPP_URL = \"https://graph.facebook.com/v19.0/123/messages\"\n\n\n"
            "def send_whatsapp(token, payload):\n"
            "    return requests.post(WHATSAPP_URL, json=payload, timeout=10,\n"
            "                         headers={\"Authorization\": f\"Bearer {token}\"})\n",
        good="import requests\nfrom tenacity import retry, stop_after_attempt, wait_exponential\n\n"
             "WHATSAPP_URL = \"https://graph.facebook.com/v19.0/123/messages\"\n\n\n"
             "@retry(stop=stop_after_attempt(3), wait=wait_exponential(multiplier=1))\n"
             "def send_whatsapp(token, payload):\n"
             "    return requests.post(WHATSAPP_URL, json=payload, timeout=10,\n"
             "                         headers={\"Authorization\": f\"Bearer {token}\"})\n",
    ),
)
def check(f: SourceFile, ctx: Context) -> Iterator[Hit]:
    tree = f.python
    imports = f.python_imports
    consts = module_strings(tree)
    clients = _client_bindings(f, imports)
    hits: list[tuple[int, int, str, str]] = []
    for node in f.python_of(ast.Call):
        provider = _outbound(node, imports, clients, consts)
        if provider:
            hits.append((node.lineno, getattr(node, "end_lineno", node.lineno), provider,
                         dotted(node.func) or "call"))
    if not hits or _has_retry(f.python_nodes, imports):
        return
    seen: set[int] = set()
    for line, end, provider, name in sorted(hits):
        if line in seen:
            continue
        seen.add(line)
        yield Hit(line, end_line=end, message=f"`{name}()` calls {provider} but this module has no retry "
                                              "or backoff, so a transient failure is final")
