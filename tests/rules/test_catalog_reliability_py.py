"""Catalog-driven table tests for the Python reliability rules: (path, text, exact flagged lines).

Written from the rows of the rule catalog (rules-catalog.md, "Reliability and concurrency"), not
from the implementation. A line ending in `# <<` is a line the rule must flag; the marker is
stripped before the rule runs.
"""
from __future__ import annotations


import pytest

from bot.models import Severity
from checks import all_rules
from tests.rule_harness import run_on_text
from tests.rule_harness import case, findings

RULES = all_rules()


# --------------------------------------------------------------------------------------------
HTTP_CLIENT_NO_TIMEOUT = [
    case("app/clients/billing.py", '''
        import requests

        def fetch_invoice(invoice_id: str) -> dict:
            resp = requests.get(f"https://billing.internal/invoices/{invoice_id}")  # <<
            resp.raise_for_status()
            return resp.json()
        '''),
    case("app/clients/billing_timeout.py", '''
        import requests

        def fetch_invoice(invoice_id: str) -> dict:
            resp = requests.get(f"https://billing.internal/invoices/{invoice_id}", timeout=10)
            resp.raise_for_status()
            return resp.json()
        '''),
    case("app/clients/notify.py", '''
        import requests as rq

        WEBHOOK = "https://hooks.example.com/notify"

        def notify(payload):
            return rq.post(  # <<
                WEBHOOK,
                json=payload,
                headers={'Content-Type': 'application/json'},
            )
        '''),
    case("app/clients/notify_multiline_timeout.py", '''
        import requests as rq

        def notify(url, payload):
            return rq.post(
                url,
                json=payload,
                timeout=(3.05, 27),
            )
        '''),
    case("app/clients/from_import.py", '''
        from requests import get, post

        def ping(url):
            return get(url).status_code  # <<

        def push(url, data):
            return post(url, data=data, timeout=5)
        '''),
    case("app/clients/httpx_calls.py", '''
        import httpx

        def fetch(url: str) -> bytes:
            return httpx.get(url).content  # <<

        def fetch_ok(url: str) -> bytes:
            return httpx.get(url, timeout=httpx.Timeout(10.0)).content
        '''),
    case("app/clients/httpx_client.py", '''
        import httpx

        client = httpx.Client(base_url="https://api.example.com")  # <<
        timed = httpx.Client(base_url="https://api.example.com", timeout=10.0)

        def profile(user_id):
            return timed.get(f"/users/{user_id}").json()
        '''),
    case("app/clients/httpx_async.py", '''
        import httpx

        async def fetch_all(urls):
            async with httpx.AsyncClient() as client:  # <<
                return [await client.get(u) for u in urls]

        async def fetch_all_ok(urls):
            async with httpx.AsyncClient(timeout=15) as client:
                return [await client.get(u) for u in urls]
        '''),
    case("app/clients/aiohttp_session.py", '''
        import aiohttp

        async def download(url):
            async with aiohttp.ClientSession() as session:  # <<
                async with session.get(url) as resp:
                    return await resp.read()
        '''),
    case("app/clients/aiohttp_timeout.py", '''
        import aiohttp

        TIMEOUT = aiohttp.ClientTimeout(total=30)

        async def download(url):
            async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
                async with session.get(url) as resp:
                    return await resp.read()
        '''),
    case("app/clients/reused.py", '''
        import httpx

        class GitHubClient:
            def __init__(self, token: str):
                self._http = httpx.Client(
                    base_url="https://api.github.com",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=httpx.Timeout(10.0, connect=3.0),
                )

            def repo(self, name: str) -> dict:
                return self._http.get(f"/repos/{name}").json()

            def issues(self, name: str) -> list:
                return self._http.get(f"/repos/{name}/issues").json()
        '''),
    case("app/clients/request_generic.py", '''
        import requests

        def call(method, url, **kwargs):
            return requests.request(method, url, json=kwargs.get("json"))  # <<
        '''),
    case("tests/test_clients.py", '''
        import requests

        def test_ping(live_server):
            assert requests.get(live_server.url).status_code == 200
        '''),
    case("app/clients/aiohttp_alias.py", '''
        from aiohttp import ClientSession as HttpSession

        async def download(url):
            async with HttpSession() as s:  # <<
                async with s.get(url) as resp:
                    return await resp.text()
        '''),
]


HTTP_CLIENT_NO_TIMEOUT += [
    case("app/clients/sessions.py", '''
        import aiohttp
        import httpx
        import requests

        class Api:
            def __init__(self):
                self.session = requests.Session()

            def get_user(self, uid):
                return self.session.get(f"https://api.example.com/users/{uid}")  # <<

            def create_user(self, payload):
                return self.session.post("https://api.example.com/users", json=payload, timeout=3)

        class AsyncApi:
            def __init__(self):
                self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))

            async def get(self, url):
                async with self._session.get(url) as resp:
                    return await resp.text()

            async def post(self, url, body):
                async with self._session.post(url, json=body) as resp:
                    return await resp.json()

        class BareApi:
            def __init__(self):
                self._session = aiohttp.ClientSession()  # <<

        shared = httpx.AsyncClient(timeout=httpx.Timeout(5.0))

        async def profile(url):
            return await shared.get(url)

        def once(url):
            with httpx.Client() as c:  # <<
                return c.get(url)
        '''),
    case("app/clients/const_timeout.py", '''
        from requests import Session

        import requests

        DEFAULT_TIMEOUT = 10

        def fetch(url):
            return requests.get(url, timeout=DEFAULT_TIMEOUT)

        def fetch_with_session(url):
            with Session() as s:
                return s.get(url)  # <<
        '''),
]


@pytest.mark.parametrize("path,text,expected", HTTP_CLIENT_NO_TIMEOUT)
def test_http_client_no_timeout(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["http.client-no-timeout"], path, text) == expected


# --------------------------------------------------------------------------------------------
BLOCKING_IN_ASYNC = [
    case("app/api/routes.py", '''
        import time

        from fastapi import FastAPI

        app = FastAPI()

        @app.get("/slow")
        async def slow():
            time.sleep(2)  # <<
            return {"ok": True}
        '''),
    case("app/workers/poll.py", '''
        from time import sleep

        async def poll(queue):
            while True:
                item = await queue.get()
                if item is None:
                    sleep(0.5)  # <<
        '''),
    case("app/api/proxy.py", '''
        import requests as rq

        async def proxy(url: str) -> bytes:
            r = rq.get(  # <<
                url,
                timeout=5,
            )
            return r.content
        '''),
    case("app/api/legacy.py", '''
        import urllib.request
        from urllib.request import urlopen

        async def fetch(url):
            a = urllib.request.urlopen(url, timeout=5).read()  # <<
            b = urlopen(url, timeout=5).read()  # <<
            return a + b
        '''),
    case("app/api/shell.py", '''
        import subprocess

        async def render(path):
            out = subprocess.run(["convert", path, "out.png"], check=True, capture_output=True)  # <<
            return out.stdout
        '''),
    case("app/api/good_sleep.py", '''
        import asyncio
        import time

        async def slow():
            await asyncio.sleep(2)
            return time.monotonic()

        def sync_job():
            time.sleep(5)
        '''),
    case("app/api/executor.py", '''
        import asyncio
        import functools

        import requests

        async def fetch(url):
            loop = asyncio.get_running_loop()
            resp = await loop.run_in_executor(None, functools.partial(requests.get, url, timeout=5))
            return resp.json()
        '''),
    case("app/api/to_thread.py", '''
        import asyncio
        import subprocess
        import time

        import requests

        async def fetch(url):
            resp = await asyncio.to_thread(requests.get, url, timeout=5)
            await asyncio.to_thread(time.sleep, 1)
            out = await asyncio.to_thread(lambda: subprocess.run(["ls"], capture_output=True))
            return resp, out
        '''),
    case("app/api/nested_sync.py", '''
        import asyncio
        import time

        async def handler():
            def work():
                time.sleep(1)
                return 42

            return await asyncio.get_running_loop().run_in_executor(None, work)
        '''),
    case("app/db/users.py", '''
        import psycopg2

        async def get_user(user_id):
            conn = psycopg2.connect("dbname=app")  # <<
            cur = conn.cursor()
            cur.execute("SELECT * FROM users WHERE id = %s", (user_id,))
            return cur.fetchone()
        '''),
    case("app/db/sqlite_store.py", '''
        import sqlite3

        async def count_rows(path):
            conn = sqlite3.connect(path)  # <<
            return conn.execute("SELECT count(*) FROM t").fetchone()[0]
        '''),
    case("app/api/upload.py", '''
        async def load_report(path):
            with open(path) as fh:
                data = fh.read()  # <<
            return data
        '''),
    case("app/api/aiohttp_ok.py", '''
        import asyncio

        import aiohttp

        async def fetch(url):
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
                async with session.get(url) as resp:
                    return await resp.text()

        async def run():
            proc = await asyncio.create_subprocess_exec("ls", stdout=asyncio.subprocess.PIPE)
            return await proc.communicate()
        '''),
    case("tests/test_async.py", '''
        import time

        async def test_slow():
            time.sleep(0.1)
        '''),
    case("app/api/method.py", '''
        import time
        import requests

        class Syncer:
            async def sync(self, url):
                for _ in range(3):
                    r = requests.post(url, json={}, timeout=10)  # <<
                    if r.ok:
                        return r
                    time.sleep(1)  # <<
        '''),
]


BLOCKING_IN_ASYNC += [
    case("app/api/files.py", '''
        import os
        import subprocess
        from pathlib import Path
        from subprocess import run as sh

        async def report(p):
            text = Path(p).read_text()  # <<
            raw = open(p).read()  # <<
            head = open(p).read(1024)
            out = subprocess.check_output(["git", "rev-parse", "HEAD"])  # <<
            sh(["sync"])  # <<
            os.system("sync")  # <<
            return text, raw, head, out
        '''),
]


@pytest.mark.parametrize("path,text,expected", BLOCKING_IN_ASYNC)
def test_blocking_in_async(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["py.blocking-in-async"], path, text) == expected


# --------------------------------------------------------------------------------------------
UNBOUNDED_MEMORY = [
    case("app/chat/store.py", '''
        _sessions: dict = {}  # <<

        def remember(session_id, data):
            _sessions[session_id] = data

        def recall(session_id):
            return _sessions.get(session_id)
        '''),
    case("app/chat/history.py", '''
        history = []  # <<

        def record(message):
            history.append(message)
        '''),
    case("app/chat/bot.py", '''
        class ChatBot:
            history = []  # <<

            def reply(self, text):
                self.history.append({"role": "user", "content": text})
                return "ok"
        '''),
    case("app/chat/evicting.py", '''
        _cache = {}

        def put(key, value):
            _cache[key] = value

        def drop(key):
            _cache.pop(key, None)
        '''),
    case("app/chat/deque_history.py", '''
        from collections import deque

        history = deque(maxlen=1000)

        def record(message):
            history.append(message)
        '''),
    case("app/chat/ttl.py", '''
        import cachetools

        _cache = cachetools.TTLCache(maxsize=10_000, ttl=300)

        def put(key, value):
            _cache[key] = value
        '''),
    case("app/chat/lru.py", '''
        from functools import lru_cache

        @lru_cache(maxsize=256)
        def lookup(key):
            return key.upper()
        '''),
    case("app/chat/constants.py", '''
        ROUTES = {"home": "/", "about": "/about"}
        ALLOWED = ["a", "b"]

        def route(name):
            return ROUTES.get(name, "/")
        '''),
    case("app/chat/cache_dict.py", '''
        RESULT_CACHE = dict()  # <<

        def compute(key):
            if key not in RESULT_CACHE:
                RESULT_CACHE[key] = expensive(key)
            return RESULT_CACHE[key]

        def expensive(key):
            return key * 2
        '''),
    case("app/chat/events.py", '''
        from typing import Any

        _events: list[dict[str, Any]] = []  # <<

        def emit(batch):
            _events.extend(batch)
        '''),
    case("tests/test_store.py", '''
        calls = []

        def fake(x):
            calls.append(x)
        '''),
    case("app/chat/cleared.py", '''
        _buffer = []

        def add(item):
            _buffer.append(item)

        def flush():
            items = list(_buffer)
            _buffer.clear()
            return items
        '''),
]


UNBOUNDED_MEMORY += [
    case("app/chat/seen.py", '''
        from collections import defaultdict

        _seen = set()  # <<
        conversations = defaultdict(list)  # <<

        def handle(user_id, message_id, text):
            if message_id in _seen:
                return
            _seen.add(message_id)
            conversations[user_id].append(text)
        '''),
    case("app/chat/bounded_cache.py", '''
        from cachetools import LRUCache, TTLCache

        sessions_cache = TTLCache(maxsize=1024, ttl=600)
        results = LRUCache(maxsize=512)

        def put(k, v):
            sessions_cache[k] = v
            results[k] = v
        '''),
]


@pytest.mark.parametrize("path,text,expected", UNBOUNDED_MEMORY)
def test_unbounded_memory(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["py.unbounded-memory"], path, text) == expected


# --------------------------------------------------------------------------------------------
IN_MEMORY_SESSIONS = [
    case("app/auth/login.py", '''
        import secrets

        from flask import Flask, request

        app = Flask(__name__)
        sessions = {}  # <<

        @app.post("/login")
        def login():
            token = secrets.token_urlsafe(32)
            sessions[token] = request.form["username"]
            return {"token": token}
        '''),
    case("app/auth/store.py", '''
        from dataclasses import dataclass

        @dataclass
        class Session:
            user_id: int

        SESSION_STORE: dict[str, Session] = {}  # <<

        def create_session(token: str, user_id: int) -> None:
            SESSION_STORE[token] = Session(user_id)
        '''),
    case("app/auth/redis_sessions.py", '''
        import redis

        r = redis.Redis()

        def create_session(token, user_id):
            r.setex(f"session:{token}", 3600, user_id)
        '''),
    case("app/auth/flask_session.py", '''
        from flask import Flask, session

        app = Flask(__name__)

        @app.post("/login")
        def login():
            session["user_id"] = 42
            return "ok"
        '''),
    case("app/auth/manager.py", '''
        import uuid

        class SessionManager:
            def __init__(self):
                self._sessions = {}  # <<

            def login(self, user_id):
                sid = uuid.uuid4().hex
                self._sessions[sid] = user_id
                return sid
        '''),
    case("app/auth/fastapi_login.py", '''
        import secrets

        from fastapi import FastAPI

        app = FastAPI()
        active_tokens: dict[str, int] = {}  # <<

        @app.post("/login")
        async def login(user_id: int):
            token = secrets.token_hex(16)
            active_tokens[token] = user_id
            return {"token": token}
        '''),
    case("app/db/session.py", '''
        from sqlalchemy.orm import sessionmaker

        from app.db.engine import engine

        SessionLocal = sessionmaker(bind=engine)
        '''),
    case("tests/test_login.py", '''
        sessions = {}

        def test_login():
            sessions["t"] = 1
        '''),
]


@pytest.mark.parametrize("path,text,expected", IN_MEMORY_SESSIONS)
def test_in_memory_sessions(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["state.in-memory-sessions"], path, text) == expected


# --------------------------------------------------------------------------------------------
NO_RETRY = [
    case("app/payments/charge.py", '''
        import stripe

        def charge(customer_id, amount):
            return stripe.PaymentIntent.create(customer=customer_id, amount=amount, currency="usd")  # <<
        '''),
    case("app/llm/complete.py", '''
        from openai import OpenAI

        client = OpenAI()

        def complete(prompt):
            resp = client.chat.completions.create(  # <<
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": prompt}],
            )
            return resp.choices[0].message.content
        '''),
    case("app/messaging/sms.py", '''
        from twilio.rest import Client

        client = Client("ACxxxxxxxx", "token")

        def send_sms(to, body):
            return client.messages.create(to=to, from_="+15550100", body=body)  # <<
        '''),
    case("app/messaging/whatsapp.py", '''
        import requests

        GRAPH = "https://graph.facebook.com/v19.0"

        def send_whatsapp(phone_id, token, to, text):
            return requests.post(  # <<
                f"{GRAPH}/{phone_id}/messages",
                headers={"Authorization": f"Bearer {token}"},
                json={"messaging_product": "whatsapp", "to": to, "text": {"body": text}},
                timeout=10,
            )
        '''),
    case("app/mail/send.py", '''
        import smtplib
        from email.message import EmailMessage

        def send_mail(to, subject, body):
            msg = EmailMessage()
            msg["To"], msg["Subject"] = to, subject
            msg.set_content(body)
            with smtplib.SMTP("smtp.example.com", 587) as smtp:
                smtp.starttls()
                smtp.send_message(msg)  # <<
        '''),
    case("app/llm/complete_retry.py", '''
        from openai import OpenAI
        from tenacity import retry, stop_after_attempt, wait_exponential

        client = OpenAI()

        @retry(stop=stop_after_attempt(3), wait=wait_exponential(multiplier=1, max=10))
        def complete(prompt):
            resp = client.chat.completions.create(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": prompt}],
            )
            return resp.choices[0].message.content
        '''),
    case("app/payments/charge_backoff.py", '''
        import backoff
        import stripe

        @backoff.on_exception(backoff.expo, stripe.error.APIConnectionError, max_tries=4)
        def charge(customer_id, amount):
            return stripe.PaymentIntent.create(customer=customer_id, amount=amount, currency="usd")
        '''),
    case("app/messaging/whatsapp_adapter.py", '''
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        session = requests.Session()
        session.mount("https://", HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0.5)))

        def send_whatsapp(phone_id, to, text):
            return session.post(
                f"https://graph.facebook.com/v19.0/{phone_id}/messages",
                json={"messaging_product": "whatsapp", "to": to, "text": {"body": text}},
                timeout=10,
            )
        '''),
    case("app/llm/loop.py", '''
        import time

        import anthropic

        client = anthropic.Anthropic()

        def ask(prompt):
            for attempt in range(4):
                try:
                    return client.messages.create(
                        model="claude-3-5-haiku-latest",
                        max_tokens=512,
                        messages=[{"role": "user", "content": prompt}],
                    )
                except anthropic.APIConnectionError:
                    time.sleep(2 ** attempt)
            raise RuntimeError("unavailable")
        '''),
    case("app/llm/stamina_retry.py", '''
        import httpx
        import stamina

        @stamina.retry(on=httpx.HTTPError, attempts=3)
        def send_sms(to, body):
            return httpx.post("https://api.twilio.com/2010-04-01/Messages.json", data={"To": to, "Body": body}, timeout=10)
        '''),
    case("app/llm/anthropic_call.py", '''
        import anthropic as ant

        claude = ant.Anthropic()

        def summarize(text):
            msg = claude.messages.create(  # <<
                model="claude-3-5-sonnet-latest",
                max_tokens=1024,
                messages=[{"role": "user", "content": text}],
            )
            return msg.content[0].text
        '''),
    case("tests/test_charge.py", '''
        import stripe

        def test_charge():
            stripe.PaymentIntent.create(customer="c", amount=1, currency="usd")
        '''),
]


@pytest.mark.parametrize("path,text,expected", NO_RETRY)
def test_no_retry(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["reliability.no-retry"], path, text) == expected


# --------------------------------------------------------------------------------------------
SWALLOWED_ERROR = [
    case("app/jobs/sync.py", '''
        def sync(client):
            try:
                client.push()
            except Exception:  # <<
                pass
        '''),
    case("app/jobs/bare.py", '''
        import logging

        log = logging.getLogger(__name__)

        def sync(client):
            try:
                client.push()
            except:  # <<
                log.warning("push failed")
        '''),
    case("app/jobs/reraise.py", '''
        import logging

        log = logging.getLogger(__name__)

        def sync(client):
            try:
                client.push()
            except Exception as exc:
                log.exception("push failed: %s", exc)
                raise
        '''),
    case("app/jobs/base_exc.py", '''
        def sync(client):
            try:
                client.push()
            except BaseException:  # <<
                pass
        '''),
    case("app/jobs/ellipsis.py", '''
        def sync(client):
            try:
                client.push()
            except Exception as e:  # <<
                ...
        '''),
    case("app/jobs/narrow.py", '''
        import os

        def remove(path):
            try:
                os.remove(path)
            except FileNotFoundError:
                pass

        def parse(v):
            try:
                return int(v)
            except (TypeError, ValueError):
                return None
        '''),
    case("app/jobs/wrapped.py", '''
        class SyncError(Exception):
            pass

        def sync(client):
            try:
                client.push()
            except Exception as exc:
                raise SyncError("push failed") from exc
        '''),
    case("app/jobs/bare_reraise.py", '''
        import logging

        log = logging.getLogger(__name__)

        def sync(client):
            try:
                client.push()
            except:
                log.exception("push failed")
                raise
        '''),
    case("tests/test_sync.py", '''
        def test_sync(client):
            try:
                client.push()
            except Exception:
                pass
        '''),
    case("app/jobs/tuple_exc.py", '''
        def sync(client):
            for item in client.items():
                try:
                    client.push(item)
                except (Exception,):  # <<
                    continue
        '''),
]


@pytest.mark.parametrize("path,text,expected", SWALLOWED_ERROR)
def test_swallowed_error(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["reliability.swallowed-error"], path, text) == expected


# --------------------------------------------------------------------------------------------
MISSING_INDEX = [
    case("app/models/order.py", '''
        from sqlalchemy import Column, ForeignKey, Integer, String
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Order(Base):
            __tablename__ = "orders"

            id = Column(Integer, primary_key=True)
            user_id = Column(Integer, ForeignKey("users.id"))  # <<
            status = Column(String(20), nullable=False)  # <<
            note = Column(String(200))
        '''),
    case("app/models/order_indexed.py", '''
        from sqlalchemy import Column, ForeignKey, Integer, String
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Order(Base):
            __tablename__ = "orders"

            id = Column(Integer, primary_key=True)
            user_id = Column(Integer, ForeignKey("users.id"), index=True)
            status = Column(
                String(20),
                nullable=False,
                index=True,
            )
        '''),
    case("app/models/mapped.py", '''
        from sqlalchemy import ForeignKey, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        class Base(DeclarativeBase):
            pass

        class Invoice(Base):
            __tablename__ = "invoices"

            id: Mapped[int] = mapped_column(primary_key=True)
            tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))  # <<
            customer_id: Mapped[int] = mapped_column(index=True)
            number: Mapped[str] = mapped_column(String(32))
        '''),
    case("app/models/flask_models.py", '''
        from flask_sqlalchemy import SQLAlchemy

        db = SQLAlchemy()

        class Post(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            author_id = db.Column(db.Integer, db.ForeignKey('user.id'), nullable=False)  # <<
            title = db.Column(db.String(120))
        '''),
    case("app/models/table_args.py", '''
        from sqlalchemy import Column, Index, Integer, String
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Ticket(Base):
            __tablename__ = "tickets"
            __table_args__ = (
                Index("ix_tickets_status", "status"),
                Index("ix_tickets_tenant_created", "tenant_id", "created_at"),
            )

            id = Column(Integer, primary_key=True)
            status = Column(String(20))
            tenant_id = Column(Integer)
            created_at = Column(Integer)
        '''),
    case("app/models/sa_alias.py", '''
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Payment(Base):
            __tablename__ = "payments"

            id = sa.Column(sa.Integer, primary_key=True)
            order_id = sa.Column(sa.Integer, sa.ForeignKey("orders.id", ondelete="CASCADE"))  # <<
            amount = sa.Column(sa.Numeric(10, 2))
        '''),
    case("app/shop/models.py", '''
        from django.db import models

        class Order(models.Model):
            status = models.CharField(max_length=20)  # <<
            tenant_id = models.IntegerField()  # <<
            reference = models.CharField(max_length=64)
        '''),
    case("app/shop/models_indexed.py", '''
        from django.db import models

        class Order(models.Model):
            status = models.CharField(max_length=20, db_index=True)
            tenant_id = models.IntegerField(db_index=True)
            reference = models.CharField(max_length=64)
        '''),
    case("app/shop/models_meta.py", '''
        from django.db import models

        class Shipment(models.Model):
            status = models.CharField(max_length=20)
            carrier = models.CharField(max_length=20)

            class Meta:
                indexes = [models.Index(fields=["status"])]
        '''),
    case("app/models/unique.py", '''
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class Account(Base):
            __tablename__ = "accounts"

            id = Column(Integer, primary_key=True)
            external_id = Column(String(64), unique=True)
        '''),
    case("app/services/report.py", '''
        def build(rows):
            user_id = rows[0]["user_id"]
            status = "ok"
            return user_id, status
        '''),
    case("app/models/audit.py", '''
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()

        class AuditLog(Base):
            __tablename__ = "audit_log"

            id = Column(Integer, primary_key=True)
            created_by_id = Column(Integer)  # <<
        '''),
]


MISSING_INDEX += [
    # Django creates an index for every ForeignKey unless told not to (db_index defaults to True).
    case("app/shop/models_fk.py", '''
        from django.db import models

        class LineItem(models.Model):
            order = models.ForeignKey("Order", on_delete=models.CASCADE)
            product = models.ForeignKey("Product", on_delete=models.PROTECT, db_index=False)  # <<
            status = models.CharField(max_length=16, choices=[("new", "New")])  # <<
        '''),
    case("app/shop/models_from_import.py", '''
        from django.db.models import CharField, IntegerField, Model

        class Ticket(Model):
            status = CharField(max_length=16)  # <<
            owner_id = IntegerField(db_index=True)
        '''),
]


@pytest.mark.parametrize("path,text,expected", MISSING_INDEX)
def test_missing_index(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["db.missing-index"], path, text) == expected


# --------------------------------------------------------------------------------------------
POOL_DEFAULTS = [
    case("app/db/engine.py", '''
        import os

        from sqlalchemy import create_engine

        engine = create_engine(os.environ["DATABASE_URL"])  # <<
        '''),
    case("app/db/async_engine.py", '''
        from sqlalchemy.ext.asyncio import create_async_engine

        from app.config import settings

        engine = create_async_engine(settings.database_url, echo=False)  # <<
        '''),
    case("app/db/engine_pool.py", '''
        from sqlalchemy import create_engine

        engine = create_engine(
            "postgresql+psycopg://app@db/app",
            pool_size=10,
            max_overflow=20,
        )
        '''),
    case("app/db/engine_ping.py", '''
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine('postgresql+asyncpg://app@db/app', pool_pre_ping=True)
        '''),
    case("app/db/engine_alias.py", '''
        import sqlalchemy as sa

        engine = sa.create_engine(DATABASE_URL)  # <<
        '''),
    case("app/db/engine_module.py", '''
        import sqlalchemy

        def make_engine(url):
            return sqlalchemy.create_engine(  # <<
                url,
                echo=True,
            )
        '''),
    case("tests/conftest.py", '''
        from sqlalchemy import create_engine

        engine = create_engine("postgresql://test@localhost/test")
        '''),
    case("app/db/engine_overflow.py", '''
        from sqlalchemy import create_engine as make

        engine = make(URL, max_overflow=5)
        '''),
]


POOL_DEFAULTS += [
    case("app/db/factory.py", '''
        from sqlalchemy import create_engine
        from sqlalchemy.ext.asyncio import create_async_engine as cae

        def init_db(app):
            return create_engine(app.config["SQLALCHEMY_DATABASE_URI"])  # <<

        def init_async(url, **engine_kwargs):
            return cae(url, **engine_kwargs)

        engine = cae(
            "postgresql+asyncpg://app@db/app",
            pool_size=5,
        )
        '''),
]


@pytest.mark.parametrize("path,text,expected", POOL_DEFAULTS)
def test_pool_defaults(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["db.pool-defaults"], path, text) == expected


def test_severities_py() -> None:
    path, text, _ = POOL_DEFAULTS[0]
    (f,) = findings("db.pool-defaults", path, text)
    assert f.severity == Severity.LOW
    path, text, _ = IN_MEMORY_SESSIONS[0]
    (f,) = findings("state.in-memory-sessions", path, text)
    assert f.severity == Severity.HIGH
    path, text, _ = BLOCKING_IN_ASYNC[0]
    (f,) = findings("py.blocking-in-async", path, text)
    assert f.severity == Severity.HIGH
    path, text, _ = MISSING_INDEX[6]
    assert {x.severity for x in findings("db.missing-index", path, text)} == {Severity.MEDIUM}
