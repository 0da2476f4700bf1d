"""(payload, should_flag) tables for the Python reliability rules (and the Go half of swallowed-error)."""
from __future__ import annotations

import textwrap

import pytest

from checks import all_rules
from tests.rule_harness import run_on_text

RULES = all_rules()


def flags(rule_id: str, path: str, code: str) -> bool:
    return bool(run_on_text(RULES[rule_id], path, textwrap.dedent(code)))


BLOCKING = [
    ("import time\nasync def f():\n    time.sleep(1)\n", True),
    ("from time import sleep as nap\nasync def f():\n    nap(1)\n", True),
    ("import requests as r\nasync def f(u):\n    return r.post(u, json={}, timeout=3)\n", True),
    ("import requests\nasync def f(u):\n    with requests.Session() as s:\n        return s.get(u, timeout=3)\n", True),
    ("import requests\nasync def f(u):\n    return requests.Session().get(u)\n", True),
    ("import urllib.request\nasync def f(u):\n    return urllib.request.urlopen(u).read()\n", True),
    ("from urllib.request import urlopen\nasync def f(u):\n    return urlopen(u)\n", True),
    ("import subprocess\nasync def f():\n    subprocess.run(['ls'], check=True)\n", True),
    ("from subprocess import check_call\nasync def f():\n    check_call(['ls'])\n", True),
    ("import subprocess\nasync def f():\n    p = subprocess.Popen(['ls'])\n    p.wait()\n", True),
    ("import os\nasync def f(c):\n    os.system(c)\n", True),
    ("import sqlite3\nasync def f():\n    return sqlite3.connect('x.db')\n", True),
    ("import pymysql\nasync def f():\n    return pymysql.connect(host='db')\n", True),
    ("import redis\nasync def f(k):\n    r = redis.Redis.from_url('redis://x')\n    return r.get(k)\n", True),
    ("import httpx\nasync def f(u):\n    return httpx.get(u, timeout=3)\n", True),
    ("class A:\n    async def f(self, p):\n        return open(p).read()\n", True),
    ("from pathlib import Path\nasync def f(p):\n    return Path(p).read_text()\n", True),
    # safe forms
    ("import asyncio\nasync def f():\n    await asyncio.sleep(1)\n", False),
    ("import time\nasync def f():\n    start = time.monotonic()\n    return time.time() - start\n", False),
    ("import time, asyncio\nasync def f():\n    await asyncio.to_thread(time.sleep, 1)\n", False),
    ("import requests, asyncio\nasync def f(u):\n    loop = asyncio.get_event_loop()\n"
     "    return await loop.run_in_executor(None, lambda: requests.get(u))\n", False),
    ("import requests\nasync def f(u):\n    def g():\n        return requests.get(u)\n    return g\n", False),
    ("import redis.asyncio as redis\nasync def f(k):\n    r = redis.Redis()\n    return await r.get(k)\n", False),
    ("import requests\ndef f(u):\n    return requests.get(u, timeout=3)\n", False),
    ("import httpx\nasync def f(u):\n    async with httpx.AsyncClient() as c:\n        return await c.get(u)\n", False),
    ("import aiofiles\nasync def f(p):\n    async with aiofiles.open(p) as fh:\n        return await fh.read()\n", False),
    ("async def f(p):\n    with open(p) as fh:\n        return fh.read(1024)\n", False),
    ("import asyncio\nasync def f():\n    p = await asyncio.create_subprocess_exec('ls')\n    await p.wait()\n", False),
    ("from starlette.concurrency import run_in_threadpool\nimport requests\nasync def f(u):\n"
     "    return await run_in_threadpool(requests.get, u)\n", False),
]


@pytest.mark.parametrize("code,expected", BLOCKING)
def test_blocking_in_async(code: str, expected: bool) -> None:
    assert flags("py.blocking-in-async", "app/svc.py", code) is expected


SWALLOWED_PY = [
    ("try:\n    x()\nexcept Exception:\n    pass\n", True),
    ("try:\n    x()\nexcept BaseException as e:\n    ...\n", True),
    ("try:\n    x()\nexcept:\n    pass\n", True),
    ("for i in y:\n    try:\n        x(i)\n    except Exception:\n        continue\n", True),
    ("try:\n    x()\nexcept:\n    y = None\n", True),
    ("try:\n    x()\nexcept KeyError:\n    pass\n", False),
    ("try:\n    x()\nexcept Exception:\n    log.exception('x failed')\n", False),
    ("try:\n    x()\nexcept Exception:\n    logger.warning('x failed')\n    raise\n", False),
    ("try:\n    x()\nexcept:\n    cleanup()\n    raise\n", False),
    ("try:\n    x()\nexcept Exception as exc:\n    return_error(exc)\n", False),
    ("class A:\n    def __del__(self):\n        try:\n            self.close()\n        except Exception:\n            pass\n",
     False),
]


@pytest.mark.parametrize("code,expected", SWALLOWED_PY)
def test_swallowed_python(code: str, expected: bool) -> None:
    assert flags("reliability.swallowed-error", "app/x.py", code) is expected


GO_HEAD = 'package x\n\nimport (\n\t"encoding/json"\n\t"io"\n\t"net/http"\n\t"os"\n\t"strconv"\n\t"gopkg.in/yaml.v3"\n)\n\n'
SWALLOWED_GO = [
    ("func f(u string) {\n\tresp, _ := http.Get(u)\n\t_ = resp\n}\n", True),
    ("func f(p string) []byte {\n\tb, _ := os.ReadFile(p)\n\treturn b\n}\n", True),
    ("func f(r io.Reader) []byte {\n\tb, _ := io.ReadAll(r)\n\treturn b\n}\n", True),
    ("func f(b []byte, v any) {\n\tjson.Unmarshal(b, v)\n}\n", True),
    ("func f(b []byte, v any) {\n\t_ = yaml.Unmarshal(b, v)\n}\n", True),
    ("func f() {\n\terr := g()\n\t_ = err\n}\n", True),
    ("func f(c *http.Client, r *http.Request) {\n\tresp, _ := c.Do(r)\n\t_ = resp\n}\n", True),
    ("func f() {\n\tif err := g(); err != nil {\n\t}\n}\n", True),
    ("func f(p string) error {\n\tb, err := os.ReadFile(p)\n\tif err != nil {\n\t\treturn err\n\t}\n\t_ = b\n\treturn nil\n}\n",
     False),
    ("func f(s string) int {\n\tn, _ := strconv.Atoi(s)\n\treturn n\n}\n", False),
    ("func f(p string) {\n\tfh, err := os.Open(p)\n\tif err != nil {\n\t\treturn\n\t}\n\tdefer fh.Close()\n}\n", False),
    ("func f(w http.ResponseWriter) {\n\t_ = json.NewEncoder(w).Encode(1)\n}\n", False),
    ("func f(resp *http.Response) error {\n\tif resp.StatusCode != 200 {\n\t\tb, _ := io.ReadAll(resp.Body)\n"
     "\t\treturn fmt.Errorf(\"bad: %s\", b)\n\t}\n\treturn nil\n}\n", False),
    ("func f(m map[string]int) {\n\tv, _ := m[\"a\"]\n\t_ = v\n}\n", False),
]


@pytest.mark.parametrize("code,expected", SWALLOWED_GO)
def test_swallowed_go(code: str, expected: bool) -> None:
    assert flags("reliability.swallowed-error", "internal/x/x.go", GO_HEAD + code) is expected


NO_RETRY = [
    ("import stripe\ndef pay(a):\n    return stripe.Charge.create(amount=a)\n", True),
    ("from openai import OpenAI\nclient = OpenAI()\ndef ask(p):\n"
     "    return client.responses.create(model='m', input=p)\n", True),
    ("import boto3\nses = boto3.client('ses')\ndef mail(m):\n    ses.send_email(**m)\n", True),
    ("import boto3\nsns = boto3.client(service_name='sns', region_name='eu-west-1')\ndef n(m):\n"
     "    sns.publish(TopicArn='t', Message=m)\n", True),
    ("from slack_sdk import WebClient\nslack = WebClient(token='x')\ndef post(t):\n"
     "    slack.chat_postMessage(channel='#ops', text=t)\n", True),
    ("from sendgrid import SendGridAPIClient\ndef send(m):\n    SendGridAPIClient('k').send(m)\n", True),
    ("import httpx\nAPI = 'https://api.openai.com/v1'\nasync def f(c, body):\n"
     "    return await c.post(API + '/chat/completions', json=body)\n", True),
    ("import requests\ndef f(body):\n    return requests.post(url='https://api.anthropic.com/v1/messages', json=body)\n",
     True),
    # safe forms
    ("import stripe\nimport backoff\n@backoff.on_exception(backoff.expo, stripe.error.APIConnectionError)\n"
     "def pay(a):\n    return stripe.Charge.create(amount=a)\n", False),
    ("import stamina\nfrom openai import OpenAI\nclient = OpenAI()\n@stamina.retry(on=Exception)\ndef ask(p):\n"
     "    return client.responses.create(model='m', input=p)\n", False),
    ("from openai import OpenAI\nclient = OpenAI(max_retries=5)\ndef ask(p):\n"
     "    return client.responses.create(model='m', input=p)\n", False),
    ("import boto3\nfrom botocore.config import Config\nses = boto3.client('ses', config=Config(retries={'max_attempts': 5}))\n"
     "def mail(m):\n    ses.send_email(**m)\n", False),
    ("import boto3\ns3 = boto3.client('s3')\ndef up(b):\n    s3.put_object(Bucket='b', Key='k', Body=b)\n", False),
    ("import requests\ndef f():\n    return requests.get('https://internal.example.com/health', timeout=2)\n", False),
    ("import time, requests\ndef f(b):\n    while True:\n        try:\n"
     "            return requests.post('https://api.stripe.com/v1/charges', data=b, timeout=5)\n"
     "        except requests.Timeout:\n            time.sleep(1)\n", False),
]


@pytest.mark.parametrize("code,expected", NO_RETRY)
def test_no_retry(code: str, expected: bool) -> None:
    assert flags("reliability.no-retry", "app/integrations.py", code) is expected


MISSING_INDEX = [
    ("from sqlalchemy import Column, Integer, ForeignKey\nclass A(Base):\n    __tablename__='a'\n"
     "    owner = Column(Integer, ForeignKey('users.id'))\n", True),
    ("import sqlalchemy as sa\nclass A(Base):\n    __tablename__='a'\n    tenant_id = sa.Column(sa.Integer, nullable=False)\n",
     True),
    ("class A(db.Model):\n    user_id = db.Column(db.Integer, db.ForeignKey('user.id'), nullable=False)\n", True),
    ("from sqlalchemy.orm import Mapped, mapped_column\nclass A(Base):\n    __tablename__='a'\n"
     "    status: Mapped[str] = mapped_column(default='new')\n", True),
    ("from django.db import models\nclass A(models.Model):\n    status = models.CharField(max_length=10)\n", True),
    ("from django.db import models\nclass A(models.Model):\n    user = models.ForeignKey('U', on_delete=models.CASCADE,"
     " db_index=False)\n", True),
    # safe forms
    ("from sqlalchemy import Column, Integer, ForeignKey\nclass A(Base):\n    __tablename__='a'\n"
     "    user_id = Column(Integer, ForeignKey('users.id'), index=True)\n", False),
    ("from sqlalchemy import Column, Integer, ForeignKey\nclass A(Base):\n    __tablename__='a'\n"
     "    user_id = Column(Integer, ForeignKey('users.id'), primary_key=True)\n", False),
    ("import sqlalchemy as sa\nclass A(Base):\n    __tablename__='a'\n    __table_args__ = (sa.Index('ix', 'tenant_id'),)\n"
     "    tenant_id = sa.Column(sa.Integer)\n", False),
    ("import sqlalchemy as sa\nclass A(Base):\n    __tablename__='a'\n    __table_args__ = "
     "(sa.UniqueConstraint('org_id', 'user_id'), {'schema': 'x'})\n"
     "    user_id = sa.Column(sa.Integer, sa.ForeignKey('u.id'))\n", False),
    ("from django.db import models\nclass A(models.Model):\n    user = models.ForeignKey('U', on_delete=models.CASCADE)\n",
     False),
    ("from django.db import models\nclass A(models.Model):\n    status = models.CharField(max_length=10)\n"
     "    class Meta:\n        indexes = [models.Index(fields=['status'])]\n", False),
    ("from sqlalchemy import Column, String\nclass A(Base):\n    __tablename__='a'\n    name = Column(String(50))\n", False),
]


@pytest.mark.parametrize("code,expected", MISSING_INDEX)
def test_missing_index(code: str, expected: bool) -> None:
    assert flags("db.missing-index", "app/models.py", code) is expected


POOL = [
    ("from sqlalchemy import create_engine\nengine = create_engine(settings.DATABASE_URL)\n", True),
    ("import sqlalchemy\nengine = sqlalchemy.create_engine(\n    URL,\n    echo=True,\n)\n", True),
    ("from sqlalchemy.ext.asyncio import create_async_engine as cae\nengine = cae(URL)\n", True),
    ("from sqlalchemy import create_engine\nengine = create_engine(URL, pool_pre_ping=True)\n", False),
    ("from sqlalchemy import create_engine\nengine = create_engine('sqlite:///:memory:')\n", False),
    ("from sqlalchemy import create_engine\nengine = create_engine(f'sqlite:///{path}')\n", False),
    ("from sqlalchemy import create_engine\nengine = create_engine(URL, **settings.ENGINE_OPTIONS)\n", False),
    ("from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n"
     "engine = create_engine(URL, poolclass=NullPool)\n", False),
]


@pytest.mark.parametrize("code,expected", POOL)
def test_pool_defaults(code: str, expected: bool) -> None:
    assert flags("db.pool-defaults", "app/db.py", code) is expected


MEMORY = [
    ("_cache = {}\ndef get(k):\n    if k not in _cache:\n        _cache[k] = load(k)\n    return _cache[k]\n", True),
    ("history = []\ndef log_turn(msg):\n    history.append(msg)\n", True),
    ("SEEN = set()\ndef mark(x):\n    SEEN.add(x)\n", True),
    ("from collections import defaultdict\nmessages = defaultdict(list)\ndef add(u, m):\n    messages[u].append(m)\n",
     True),
    ("class Bot:\n    memory = {}\n    def remember(self, k, v):\n        self.memory[k] = v\n", True),
    ("results = dict()\ndef save(job, r):\n    results.update({job: r})\n", True),
    # safe forms
    ("from collections import deque\nhistory = deque(maxlen=100)\ndef log_turn(msg):\n    history.append(msg)\n", False),
    ("from cachetools import LRUCache\n_cache = LRUCache(maxsize=100)\ndef get(k):\n    _cache[k] = 1\n", False),
    ("_cache = {}\ndef get(k):\n    _cache[k] = 1\ndef expire(k):\n    _cache.pop(k, None)\n", False),
    ("COLORS = {'red': 1}\ndef color(n):\n    return COLORS[n]\n", False),
    ("_registry = {}\ndef register(name):\n    def deco(fn):\n        _registry[name] = fn\n        return fn\n    return deco\n",
     False),
    ("_cache = {}\n_cache['a'] = 1\n", False),
    ("class Bot:\n    memory = {}\n    def __init__(self):\n        self.memory = {}\n    def remember(self, k, v):\n"
     "        self.memory[k] = v\n", False),
    ("from pydantic import BaseModel\nclass Chat(BaseModel):\n    messages: list = []\n"
     "    def add(self, m):\n        self.messages.append(m)\n", False),
]


@pytest.mark.parametrize("code,expected", MEMORY)
def test_unbounded_memory(code: str, expected: bool) -> None:
    assert flags("py.unbounded-memory", "app/state.py", code) is expected


SESSIONS = [
    ("sessions = {}\ndef login(u):\n    sid = new_id()\n    sessions[sid] = u\n    return sid\n", True),
    ("user_sessions: dict[str, dict] = {}\nasync def login(u):\n    user_sessions[u.id] = {'at': now()}\n", True),
    ("_tokens = {}\ndef issue(u):\n    t = secrets.token_hex()\n    _tokens[t] = u\n    return t\n", True),
    ("logged_in_users = {}\ndef login(u):\n    logged_in_users[u.name] = u\n", True),
    ("import secrets\nSESSIONS = {}\ndef login(u):\n    SESSIONS.setdefault(u, secrets.token_hex())\n", True),
    # safe forms
    ("ROLES = {'admin': 1}\ndef role(n):\n    return ROLES[n]\n", False),
    ("import aiohttp\n_sessions = {}\nasync def client(h):\n    _sessions[h] = aiohttp.ClientSession()\n", False),
    ("_token_cache = {}\ndef tok(i):\n    _token_cache[i] = fetch(i)\n", False),
    ("import redis\nr = redis.Redis()\ndef login(u):\n    r.setex('session:' + u, 60, u)\n", False),
    ("sessions = []\ndef login(u):\n    sessions.append(u)\n", False),
]


@pytest.mark.parametrize("code,expected", SESSIONS)
def test_in_memory_sessions(code: str, expected: bool) -> None:
    assert flags("state.in-memory-sessions", "app/auth.py", code) is expected
