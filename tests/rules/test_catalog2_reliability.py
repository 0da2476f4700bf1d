"""Second-round catalog tests for the reliability rules (rules-catalog.md, "Reliability").

Written from the catalog rows only, in forms the first round does not use. A line ending in `«`
must be flagged; every other line must not be.
"""
from __future__ import annotations

import pytest

from tests.rule_harness import case, lines

CASES: dict[str, list] = {}

# --- go.goroutine-leak ------------------------------------------------------------------------
CASES["go.goroutine-leak"] = [
    case("internal/fetch/fanout.go", """
        package fetch

        func FetchAll(urls []string) []string {
        	results := make(chan string)
        	for _, u := range urls {
        		go func(u string) {
        			results <- get(u) «
        		}(u)
        	}
        	return []string{<-results}
        }
        """),
    case("internal/fetch/select_ctx.go", """
        package fetch

        import "context"

        func First(ctx context.Context, urls []string) string {
        	results := make(chan string)
        	for _, u := range urls {
        		go func(u string) {
        			select {
        			case results <- get(u):
        			case <-ctx.Done():
        			}
        		}(u)
        	}
        	return <-results
        }
        """),
    case("internal/fetch/select_default.go", """
        package fetch

        func Notify(events chan string, msg string) {
        	go func() {
        		select {
        		case events <- msg:
        		default:
        		}
        	}()
        }
        """),
    case("internal/fetch/select_done.go", """
        package fetch

        func Pump(done <-chan struct{}, src []int) <-chan int {
        	out := make(chan int)
        	go func() {
        		defer close(out)
        		for _, v := range src {
        			select {
        			case out <- v:
        			case <-done:
        				return
        			}
        		}
        	}()
        	return out
        }
        """),
    case("internal/fetch/caller_owned.go", """
        package fetch

        type Event struct{ ID string }

        func Watch(ids []string, out chan<- Event) {
        	go func() {
        		for _, id := range ids {
        			out <- Event{ID: id} «
        		}
        	}()
        }
        """),
    case("internal/fetch/timeout.go", """
        package fetch

        import "time"

        func WithTimeout(job func() (string, error), d time.Duration) (string, error) {
        	var resc = make(chan string)
        	go func() {
        		v, _ := job()
        		resc <- v «
        	}()
        	select {
        	case v := <-resc:
        		return v, nil
        	case <-time.After(d):
        		return "", errTimeout
        	}
        }
        """),
    case("internal/fetch/buffered.go", """
        package fetch

        func Async(job func() error) <-chan error {
        	errCh := make(chan error, 1)
        	go func() {
        		errCh <- job()
        	}()
        	return errCh
        }
        """),
]

# --- go.goroutine-no-recover ------------------------------------------------------------------
CASES["go.goroutine-no-recover"] = [
    case("internal/sync/pull.go", """
        package sync

        import (
        	"encoding/json"
        	"net/http"
        )

        func Refresh(url string, into *Config) {
        	go func() { «
        		resp, err := http.Get(url)
        		if err != nil {
        			return
        		}
        		defer resp.Body.Close()
        		_ = json.NewDecoder(resp.Body).Decode(into)
        	}()
        }
        """),
    case("internal/sync/pull_recover.go", """
        package sync

        import (
        	"encoding/json"
        	"log"
        	"os"
        )

        func Load(path string, into *Config) {
        	go func() {
        		defer func() {
        			if r := recover(); r != nil {
        				log.Printf("load panic: %v", r)
        			}
        		}()
        		data, err := os.ReadFile(path)
        		if err != nil {
        			return
        		}
        		_ = json.Unmarshal(data, into)
        	}()
        }
        """),
    case("internal/sync/pull_helper.go", """
        package sync

        import (
        	"encoding/json"
        	"os"
        )

        func Load2(path string, into *Config) {
        	go func() {
        		defer handleRecover("load")
        		data, _ := os.ReadFile(path)
        		_ = json.Unmarshal(data, into)
        	}()
        }
        """),
    case("internal/sync/safego.go", """
        package sync

        import "log"

        func SafeGo(fn func()) {
        	go func() {
        		defer func() {
        			if r := recover(); r != nil {
        				log.Printf("panic: %v", r)
        			}
        		}()
        		fn()
        	}()
        }

        func Start(work func()) {
        	SafeGo(func() { work() })
        	go func() { «
        		work()
        	}()
        }
        """),
    case("internal/sync/trivial.go", """
        package sync

        import "sync"

        func CloseWhenDone(wg *sync.WaitGroup, ch chan int) {
        	go func() {
        		wg.Wait()
        		close(ch)
        	}()
        }
        """),
    case("internal/sync/pull_test.go", """
        package sync

        import "net/http"

        func TestRefresh(t *testing.T) {
        	go func() {
        		http.Get("http://localhost:8080")
        	}()
        }
        """),
]

# --- go.unbounded-read ------------------------------------------------------------------------
CASES["go.unbounded-read"] = [
    case("internal/client/api.go", """
        package client

        import (
        	"io"
        	"net/http"
        )

        func Fetch(url string) ([]byte, error) {
        	res, err := http.Get(url)
        	if err != nil {
        		return nil, err
        	}
        	defer res.Body.Close()
        	return io.ReadAll(res.Body) «
        }
        """),
    case("internal/api/upload.go", """
        package api

        import (
        	"io/ioutil"
        	"net/http"
        )

        func Upload(w http.ResponseWriter, r *http.Request) {
        	body, err := ioutil.ReadAll(r.Body) «
        	if err != nil {
        		http.Error(w, err.Error(), 400)
        		return
        	}
        	_ = body
        }
        """),
    case("internal/api/gin_upload.go", """
        package api

        import (
        	"io"

        	"github.com/gin-gonic/gin"
        )

        func Ingest(c *gin.Context) {
        	raw, err := io.ReadAll(c.Request.Body) «
        	if err != nil {
        		c.AbortWithStatus(400)
        		return
        	}
        	_ = raw
        }
        """),
    case("internal/client/limited.go", """
        package client

        import (
        	"io"
        	"net/http"
        )

        const maxBody = 1 << 20

        func FetchLimited(url string) ([]byte, error) {
        	resp, err := http.Get(url)
        	if err != nil {
        		return nil, err
        	}
        	defer resp.Body.Close()
        	return io.ReadAll(io.LimitReader(resp.Body, maxBody))
        }
        """),
    case("internal/api/maxbytes.go", """
        package api

        import (
        	"io"
        	"net/http"
        )

        func Create(w http.ResponseWriter, r *http.Request) {
        	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
        	body, err := io.ReadAll(r.Body)
        	if err != nil {
        		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
        		return
        	}
        	_ = body
        }
        """),
    case("internal/client/limited_var.go", """
        package client

        import (
        	"io"
        	"net/http"
        )

        func Read(resp *http.Response) ([]byte, error) {
        	lr := io.LimitReader(resp.Body, 10<<20)
        	return io.ReadAll(lr)
        }
        """),
]

# --- go.sleep-in-handler ----------------------------------------------------------------------
CASES["go.sleep-in-handler"] = [
    case("internal/api/orders.go", """
        package api

        import (
        	"net/http"
        	"time"
        )

        func (h *Handler) CreateOrder(w http.ResponseWriter, r *http.Request) {
        	time.Sleep(2 * time.Second) «
        	w.WriteHeader(http.StatusCreated)
        }
        """),
    case("internal/api/gin_orders.go", """
        package api

        import (
        	"time"

        	"github.com/gin-gonic/gin"
        )

        func Register(r *gin.Engine) {
        	r.GET("/slow", func(c *gin.Context) {
        		time.Sleep(500 * time.Millisecond) «
        		c.JSON(200, gin.H{"ok": true})
        	})
        }
        """),
    case("internal/worker/retry.go", """
        package worker

        import "time"

        func Deliver(send func() error) error {
        	var err error
        	for i := 0; i < 5; i++ {
        		if err = send(); err == nil {
        			return nil
        		}
        		time.Sleep(time.Second) «
        	}
        	return err
        }
        """),
    case("internal/worker/poll.go", """
        package worker

        import (
        	"log"
        	"time"
        )

        func Poll(fetch func() error) {
        	for {
        		if err := fetch(); err != nil {
        			log.Printf("fetch: %v", err)
        			time.Sleep(5 * time.Second) «
        			continue
        		}
        	}
        }
        """),
    case("cmd/seed/main.go", """
        package main

        import "time"

        func main() {
        	for i := 0; i < 10; i++ {
        		seed(i)
        		time.Sleep(100 * time.Millisecond)
        	}
        }
        """),
    case("internal/worker/poll_test.go", """
        package worker

        import (
        	"testing"
        	"time"
        )

        func TestPoll(t *testing.T) {
        	for i := 0; i < 3; i++ {
        		time.Sleep(10 * time.Millisecond)
        	}
        }
        """),
    case("internal/worker/backoff.go", """
        package worker

        import "time"

        func backoff(attempt int) {
        	time.Sleep(time.Duration(1<<attempt) * 100 * time.Millisecond)
        }
        """),
]

# --- go.scanner-unchecked ---------------------------------------------------------------------
CASES["go.scanner-unchecked"] = [
    case("internal/importer/lines.go", """
        package importer

        import (
        	"bufio"
        	"os"
        )

        func CountLines(path string) (int, error) {
        	f, err := os.Open(path)
        	if err != nil {
        		return 0, err
        	}
        	defer f.Close()
        	n := 0
        	scanner := bufio.NewScanner(f)
        	for scanner.Scan() { «
        		n++
        	}
        	return n, nil
        }
        """),
    case("internal/importer/lines_ok.go", """
        package importer

        import (
        	"bufio"
        	"os"
        )

        func CountLinesOK(path string) (int, error) {
        	f, err := os.Open(path)
        	if err != nil {
        		return 0, err
        	}
        	defer f.Close()
        	n := 0
        	scanner := bufio.NewScanner(f)
        	for scanner.Scan() {
        		n++
        	}
        	if err := scanner.Err(); err != nil {
        		return 0, err
        	}
        	return n, nil
        }
        """),
    case("internal/llm/sse.go", """
        package llm

        import (
        	"bufio"
        	"net/http"
        )

        func ReadEvents(resp *http.Response, emit func(string)) error {
        	defer resp.Body.Close()
        	reader := bufio.NewScanner(resp.Body) «
        	for reader.Scan() {
        		emit(reader.Text())
        	}
        	if err := reader.Err(); err != nil {
        		return err
        	}
        	return nil
        }
        """),
    case("internal/llm/sse_ok.go", """
        package llm

        import (
        	"bufio"
        	"net/http"
        )

        func ReadEventsOK(resp *http.Response, emit func(string)) error {
        	defer resp.Body.Close()
        	reader := bufio.NewScanner(resp.Body)
        	reader.Buffer(make([]byte, 64*1024), 1024*1024)
        	for reader.Scan() {
        		emit(reader.Text())
        	}
        	return reader.Err()
        }
        """),
    case("internal/cli/stdin.go", """
        package cli

        import (
        	"bufio"
        	"fmt"
        	"os"
        )

        func Echo() {
        	in := bufio.NewScanner(os.Stdin)
        	for in.Scan() { «
        		fmt.Println(in.Text())
        	}
        }
        """),
    case("internal/cli/stdin_ok.go", """
        package cli

        import (
        	"bufio"
        	"fmt"
        	"log"
        	"os"
        )

        func EchoOK() {
        	in := bufio.NewScanner(os.Stdin)
        	for in.Scan() {
        		fmt.Println(in.Text())
        	}
        	if in.Err() != nil {
        		log.Fatal(in.Err())
        	}
        }
        """),
]

# --- go.http-server-no-timeout ----------------------------------------------------------------
CASES["go.http-server-no-timeout"] = [
    case("cmd/server/main.go", """
        package main

        import (
        	"log"
        	"net/http"
        )

        func main() {
        	http.HandleFunc("/", index)
        	if err := http.ListenAndServe(":8080", nil); err != nil { «
        		log.Fatal(err)
        	}
        }
        """),
    case("internal/server/server.go", """
        package server

        import "net/http"

        func New(addr string, h http.Handler) *http.Server {
        	srv := &http.Server{ «
        		Addr:    addr,
        		Handler: h,
        	}
        	return srv
        }
        """),
    case("internal/server/server_ok.go", """
        package server

        import (
        	"net/http"
        	"time"
        )

        func NewOK(addr string, h http.Handler) *http.Server {
        	return &http.Server{
        		Addr:              addr,
        		Handler:           h,
        		ReadHeaderTimeout: 5 * time.Second,
        	}
        }
        """),
    case("internal/server/value.go", """
        package server

        import (
        	"net/http"
        	"time"
        )

        func Serve(addr string, h http.Handler) error {
        	server := http.Server{Addr: addr, Handler: h} «
        	return server.ListenAndServe()
        }

        func ServeOK(addr string, h http.Handler) error {
        	server := http.Server{Addr: addr, Handler: h, ReadTimeout: 10 * time.Second}
        	return server.ListenAndServe()
        }
        """),
    case("cmd/tls/main.go", """
        package main

        import (
        	"log"
        	"net/http"
        )

        func main() {
        	mux := http.NewServeMux()
        	log.Fatal(http.ListenAndServeTLS(":443", "cert.pem", "key.pem", mux)) «
        }
        """),
]

# --- http.client-no-timeout -------------------------------------------------------------------
CASES["http.client-no-timeout"] = [
    case("app/integrations/crm.py", """
        import requests

        def push_contact(contact):
            requests.put(f"https://crm.example.com/contacts/{contact.id}", json=contact.dict())  «
            requests.delete("https://crm.example.com/contacts/1")  «
            requests.patch("https://crm.example.com/contacts/1", json={}, timeout=5)
            return requests.request("GET", "https://crm.example.com/health")  «
        """),
    case("app/integrations/async_client.py", """
        import httpx

        async def fetch(url: str) -> dict:
            async with httpx.AsyncClient() as client:  «
                resp = await client.get(url)
                return resp.json()

        async def fetch_ok(url: str) -> dict:
            async with httpx.AsyncClient(timeout=10.0) as client:
                resp = await client.get(url)
                return resp.json()
        """),
    case("app/integrations/aio.py", """
        import aiohttp

        async def fetch(url):
            async with aiohttp.ClientSession() as session:  «
                async with session.get(url) as resp:
                    return await resp.text()

        async def fetch_ok(url):
            timeout = aiohttp.ClientTimeout(total=30)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.get(url) as resp:
                    return await resp.text()
        """),
    case("app/integrations/sync_client.py", """
        import httpx

        client = httpx.Client(base_url="https://api.example.com")  «
        safe_client = httpx.Client(base_url="https://api.example.com", timeout=httpx.Timeout(5.0))
        """),
    case("internal/client/get.go", """
        package client

        import "net/http"

        func Ping(url string) error {
        	resp, err := http.Get(url) «
        	if err != nil {
        		return err
        	}
        	return resp.Body.Close()
        }
        """),
    case("internal/client/post.go", """
        package client

        import (
        	"bytes"
        	"net/http"
        )

        func Send(url string, body []byte) (*http.Response, error) {
        	return http.Post(url, "application/json", bytes.NewReader(body)) «
        }
        """),
    case("internal/client/default.go", """
        package client

        import "net/http"

        func Do(req *http.Request) (*http.Response, error) {
        	return http.DefaultClient.Do(req) «
        }
        """),
    case("internal/client/struct.go", """
        package client

        import (
        	"net/http"
        	"time"
        )

        type API struct{ hc *http.Client }

        func New(tr http.RoundTripper) *API {
        	return &API{hc: &http.Client{Transport: tr}} «
        }

        func NewOK(tr http.RoundTripper) *API {
        	return &API{hc: &http.Client{Transport: tr, Timeout: 15 * time.Second}}
        }
        """),
]

# --- go.exported-lock -------------------------------------------------------------------------
CASES["go.exported-lock"] = [
    case("internal/cache/cache.go", """
        package cache

        import "sync"

        type Cache struct {
        	mu    sync.RWMutex
        	items map[string]string
        }

        func (c *Cache) RLock()   { c.mu.RLock() } «
        func (c *Cache) RUnlock() { c.mu.RUnlock() } «

        func (c *Cache) Get(k string) (string, bool) {
        	c.mu.RLock()
        	defer c.mu.RUnlock()
        	v, ok := c.items[k]
        	return v, ok
        }
        """),
    case("internal/cache/counter.go", """
        package cache

        import "sync"

        type Counter struct {
        	mu sync.Mutex
        	n  int
        }

        func (c *Counter) Inc() {
        	c.mu.Lock()
        	c.n++
        	c.mu.Unlock()
        }

        func (c *Counter) Value() int { «
        	return c.n
        }
        """),
    case("internal/cache/counter_ok.go", """
        package cache

        import "sync"

        type SafeCounter struct {
        	mu sync.Mutex
        	n  int
        }

        func (c *SafeCounter) Inc() {
        	c.mu.Lock()
        	defer c.mu.Unlock()
        	c.n++
        }

        func (c *SafeCounter) Value() int {
        	c.mu.Lock()
        	defer c.mu.Unlock()
        	return c.n
        }
        """),
]

# --- py.blocking-in-async ---------------------------------------------------------------------
CASES["py.blocking-in-async"] = [
    case("app/api/routes.py", """
        import time

        from fastapi import FastAPI

        app = FastAPI()

        @app.get("/slow")
        async def slow():
            time.sleep(1)  «
            return {"ok": True}
        """),
    case("app/api/fetch.py", """
        import requests

        async def fetch_profile(user_id: int) -> dict:
            resp = requests.get(f"https://api.example.com/users/{user_id}", timeout=5)  «
            return resp.json()
        """),
    case("app/api/urlopen.py", """
        from urllib.request import urlopen

        async def download(url: str) -> bytes:
            with urlopen(url, timeout=10) as resp:  «
                return resp.read()
        """),
    case("app/api/convert.py", """
        import subprocess

        async def convert(path: str) -> None:
            subprocess.run(["ffmpeg", "-i", path, path + ".mp3"], check=True)  «
        """),
    case("app/db/orders.py", """
        import psycopg2

        async def list_orders(dsn: str):
            conn = psycopg2.connect(dsn)  «
            return conn
        """),
    case("app/api/ok.py", """
        import asyncio
        import time

        import requests

        async def pause():
            await asyncio.sleep(1)

        async def fetch(url):
            return await asyncio.to_thread(requests.get, url, timeout=5)

        async def slow_in_pool():
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, time.sleep, 1)

        def sync_helper():
            time.sleep(1)
        """),
    case("app/api/report.py", """
        async def read_report(path: str) -> str:
            with open(path) as fh:
                return fh.read()  «
        """),
]

# --- py.unbounded-memory ----------------------------------------------------------------------
CASES["py.unbounded-memory"] = [
    case("app/cache.py", """
        _cache = {}  «


        def get_user(user_id, load):
            if user_id not in _cache:
                _cache[user_id] = load(user_id)
            return _cache[user_id]
        """),
    case("app/bot.py", """
        class ChatBot:
            history = []  «

            def reply(self, msg):
                self.history.append(msg)
                return "ok"
        """),
    case("app/bounded.py", """
        from collections import deque
        from functools import lru_cache

        from cachetools import TTLCache

        recent = deque(maxlen=1000)
        _cache = TTLCache(maxsize=1024, ttl=300)


        @lru_cache(maxsize=256)
        def lookup(key):
            return key.upper()


        def remember(event):
            recent.append(event)
            _cache[event.id] = event
        """),
    case("app/constants.py", """
        DEFAULTS = {"region": "eu-west-1", "retries": 3}
        ALLOWED = ["a", "b"]


        def region():
            return DEFAULTS["region"]
        """),
    case("app/events.py", """
        events: list = []  «


        def record(event):
            events.append(event)
        """),
]

# --- state.in-memory-sessions -----------------------------------------------------------------
CASES["state.in-memory-sessions"] = [
    case("app/auth/views.py", """
        import secrets

        sessions = {}  «


        def login(username, password):
            user = authenticate(username, password)
            token = secrets.token_hex(16)
            sessions[token] = user.id
            return token
        """),
    case("app/auth/manager.py", """
        class SessionManager:
            def __init__(self):
                self._sessions: dict[str, dict] = {}  «

            def create(self, user_id):
                sid = new_id()
                self._sessions[sid] = {"user_id": user_id}
                return sid
        """),
    case("app/auth/redis_store.py", """
        import json

        import redis

        r = redis.Redis()


        def login(user_id, sid):
            r.setex(f"session:{sid}", 3600, json.dumps({"user_id": user_id}))
        """),
    case("app/auth/flask_views.py", """
        from flask import Flask, session

        app = Flask(__name__)


        @app.post("/login")
        def login():
            session["user_id"] = 1
            return "ok"
        """),
    case("tests/test_auth.py", """
        sessions = {}


        def test_login():
            sessions["t"] = 1
        """),
]

# --- reliability.no-retry ---------------------------------------------------------------------
CASES["reliability.no-retry"] = [
    case("app/billing/stripe_client.py", """
        import stripe


        def charge(amount, customer):
            return stripe.PaymentIntent.create(amount=amount, currency="usd", customer=customer)  «
        """),
    case("app/llm/openai_client.py", """
        from openai import OpenAI

        client = OpenAI()


        def summarize(text):
            resp = client.chat.completions.create(  «
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": text}],
            )
            return resp.choices[0].message.content
        """),
    case("app/llm/openai_tenacity.py", """
        from openai import OpenAI
        from tenacity import retry, stop_after_attempt, wait_exponential

        client = OpenAI()


        @retry(stop=stop_after_attempt(3), wait=wait_exponential())
        def summarize(text):
            resp = client.chat.completions.create(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": text}],
            )
            return resp.choices[0].message.content
        """),
    case("app/billing/stripe_backoff.py", """
        import backoff
        import stripe


        @backoff.on_exception(backoff.expo, stripe.error.APIConnectionError, max_tries=5)
        def charge(amount, customer):
            return stripe.PaymentIntent.create(amount=amount, currency="usd", customer=customer)
        """),
    case("app/messaging/whatsapp.py", """
        import requests

        GRAPH = "https://graph.facebook.com/v19.0"


        def send_text(phone_id, token, to, body):
            return requests.post(  «
                f"{GRAPH}/{phone_id}/messages",
                headers={"Authorization": f"Bearer {token}"},
                json={"messaging_product": "whatsapp", "to": to, "text": {"body": body}},
                timeout=10,
            )
        """),
    case("app/messaging/whatsapp_retry.py", """
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        session = requests.Session()
        session.mount("https://", HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0.5)))


        def send_text(phone_id, to, body):
            return session.post(
                f"https://graph.facebook.com/v19.0/{phone_id}/messages",
                json={"messaging_product": "whatsapp", "to": to, "text": {"body": body}},
                timeout=10,
            )
        """),
    case("app/llm/loop.py", """
        import time

        import anthropic

        client = anthropic.Anthropic()


        def ask(prompt):
            for attempt in range(3):
                try:
                    return client.messages.create(model="claude-3-5-sonnet-latest", max_tokens=512,
                                                  messages=[{"role": "user", "content": prompt}])
                except anthropic.APIError:
                    time.sleep(2 ** attempt)
            raise RuntimeError("LLM unavailable")
        """),
]

# --- reliability.swallowed-error --------------------------------------------------------------
CASES["reliability.swallowed-error"] = [
    case("app/tasks/cleanup.py", """
        import os


        def cleanup(path):
            try:
                os.remove(path)
            except Exception:  «
                pass
        """),
    case("app/tasks/parse.py", """
        import json


        def parse(raw):
            try:
                return json.loads(raw)
            except:  «
                return None
        """),
    case("app/tasks/logged.py", """
        import logging

        logger = logging.getLogger(__name__)


        def run(job):
            try:
                job()
            except Exception as exc:
                logger.exception("job failed: %s", exc)
                raise
        """),
    case("internal/client/fetch.go", """
        package client

        import (
        	"io"
        	"net/http"
        )

        func Fetch(url string) []byte {
        	resp, _ := http.Get(url) «
        	defer resp.Body.Close()
        	data, _ := io.ReadAll(resp.Body) «
        	return data
        }
        """),
    case("internal/store/load.go", """
        package store

        import "os"

        func Load(path string) []byte {
        	data, err := os.ReadFile(path)
        	_ = err «
        	return data
        }
        """),
    case("internal/store/load_ok.go", """
        package store

        import (
        	"fmt"
        	"os"
        )

        func LoadOK(path string) ([]byte, error) {
        	data, err := os.ReadFile(path)
        	if err != nil {
        		return nil, fmt.Errorf("read %s: %w", path, err)
        	}
        	return data, nil
        }
        """),
]

# --- db.missing-index -------------------------------------------------------------------------
CASES["db.missing-index"] = [
    case("app/models/invoice.py", """
        from sqlalchemy import Column, ForeignKey, Index, Integer, String
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()


        class Invoice(Base):
            __tablename__ = "invoices"
            __table_args__ = (Index("ix_invoices_status", "status"),)

            id = Column(Integer, primary_key=True)
            customer_id = Column(Integer, ForeignKey("customers.id"))  «
            status = Column(String(16))
            tenant_id = Column(Integer, nullable=False, index=True)
            external_id = Column(String(64))  «
        """),
    case("app/models/mapped.py", """
        from sqlalchemy import ForeignKey, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class Ticket(Base):
            __tablename__ = "tickets"

            id: Mapped[int] = mapped_column(primary_key=True)
            owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  «
            status: Mapped[str] = mapped_column(String(20))  «
            project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
        """),
    case("app/orders/models.py", """
        from django.db import models


        class Order(models.Model):
            status = models.CharField(max_length=20)  «
            tenant_id = models.IntegerField()  «
            state = models.CharField(max_length=20, db_index=True)
            note = models.TextField(blank=True)
        """),
    case("app/orders/models_meta.py", """
        from django.db import models


        class Shipment(models.Model):
            status = models.CharField(max_length=20)
            carrier_id = models.IntegerField()

            class Meta:
                indexes = [models.Index(fields=["status"]), models.Index(fields=["carrier_id"])]
        """),
]

# --- db.pool-defaults -------------------------------------------------------------------------
CASES["db.pool-defaults"] = [
    case("app/database.py", """
        import os

        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        DATABASE_URL = os.environ["DATABASE_URL"]

        engine = create_engine(DATABASE_URL)  «
        SessionLocal = sessionmaker(bind=engine)
        """),
    case("app/db/async_db.py", """
        from sqlalchemy.ext.asyncio import create_async_engine

        from app.config import settings

        engine = create_async_engine(settings.database_url, echo=False)  «
        """),
    case("app/db/tuned.py", """
        import sqlalchemy

        engine = sqlalchemy.create_engine(
            "postgresql+psycopg://app@db/app",
            pool_size=10,
            max_overflow=20,
            pool_pre_ping=True,
        )
        """),
    case("app/db/qualified.py", """
        import sqlalchemy as sa

        engine = sa.create_engine("postgresql://app@db/app")  «
        """),
    case("tests/conftest.py", """
        from sqlalchemy import create_engine

        engine = create_engine("postgresql://test@localhost/test")
        """),
]

# --- second batch: aliases, other spellings, other frameworks ------------------------------------
CASES["http.client-no-timeout"] += [
    case("app/integrations/aliased.py", """
        import httpx as hx
        import requests as r

        async def pull(url):
            async with hx.AsyncClient(base_url=url) as c:  «
                return (await c.get("/items")).json()

        def push(url, data):
            return r.post(url, data=data)  «

        def push_ok(url, data):
            return r.post(url, data=data, timeout=(3, 30))
        """),
    case("app/integrations/httpx_module.py", """
        import httpx

        def create(url, payload):
            return httpx.post(url, json=payload)  «
        """),
    case("internal/client/value_client.go", """
        package client

        import "net/http"

        var client = http.Client{} «

        func DefaultGet(url string) (*http.Response, error) {
        	return http.DefaultClient.Get(url) «
        }
        """),
    case("internal/client/alias.go", """
        package client

        import (
        	nethttp "net/http"
        	"time"
        )

        func New() *nethttp.Client {
        	return &nethttp.Client{} «
        }

        func NewOK() *nethttp.Client {
        	return &nethttp.Client{Timeout: 5 * time.Second}
        }
        """),
]

CASES["py.blocking-in-async"] += [
    case("app/services/notify.py", """
        import requests

        class Notifier:
            async def send(self, url, payload):
                requests.post(url, json=payload, timeout=5)  «
        """),
    case("app/services/aliases.py", """
        import subprocess
        import time as t
        from time import sleep

        async def worker():
            t.sleep(0.5)  «
            sleep(1)  «
            out = subprocess.check_output(["git", "rev-parse", "HEAD"])  «
            return out
        """),
    case("app/services/sqlite_repo.py", """
        import sqlite3

        async def count_users(path):
            conn = sqlite3.connect(path)  «
            return conn.execute("select count(*) from users").fetchone()[0]
        """),
    case("app/services/files_ok.py", """
        import asyncio
        import functools

        import aiofiles
        import requests

        async def read_async(path):
            async with aiofiles.open(path) as fh:
                return await fh.read()

        async def fetch(url):
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, functools.partial(requests.get, url, timeout=5))
        """),
]

CASES["py.blocking-in-async"] += [
    case("app/db/module_conn.py", """
        import psycopg2

        conn = psycopg2.connect("dbname=app")


        async def get_user(user_id):
            cur = conn.cursor()
            cur.execute("SELECT * FROM users WHERE id = %s", (user_id,))  «
            return cur.fetchone()


        def sync_get(user_id):
            cur = conn.cursor()
            cur.execute("SELECT 1")
        """),
    case("app/db/mongo.py", """
        from pymongo import MongoClient

        mongo = MongoClient("mongodb://mongo:27017")


        async def find_user(email):
            return mongo.app.users.find_one({"email": email})  «
        """),
    case("app/api/users.py", """
        from fastapi import Depends, FastAPI
        from sqlalchemy.orm import Session

        from app.db import get_db
        from app.models import User

        app = FastAPI()


        @app.get("/users")
        async def list_users(db: Session = Depends(get_db)):
            return db.query(User).all()  «


        @app.get("/users-sync")
        def list_users_sync(db: Session = Depends(get_db)):
            return db.query(User).all()
        """),
    case("app/api/async_session.py", """
        from fastapi import Depends
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.models import User


        async def list_users(db: AsyncSession = Depends(get_db)):
            result = await db.execute(select(User))
            return result.scalars().all()
        """),
    case("app/api/config_load.py", """
        import json

        async def load_config(path):
            return json.load(open(path))  «
        """),
]

CASES["py.unbounded-memory"] += [
    case("app/chat/memory.py", """
        from collections import defaultdict
        from typing import Dict, List

        conversation_history: Dict[str, List[str]] = defaultdict(list)  «


        def remember(chat_id, message):
            conversation_history[chat_id].append(message)
        """),
    case("app/chat/local.py", """
        def build(rows):
            out = []
            for r in rows:
                out.append(r)
            return out


        def index(rows):
            by_id = {}
            for r in rows:
                by_id[r.id] = r
            return by_id
        """),
    case("app/chat/evict.py", """
        _sessions: dict = {}


        def put(sid, data):
            _sessions[sid] = data


        def drop(sid):
            _sessions.pop(sid, None)
        """),
]

CASES["state.in-memory-sessions"] += [
    case("app/auth/store2.py", """
        from typing import Any, Dict

        USER_SESSIONS: Dict[str, Any] = {}  «
        active_tokens = dict()  «


        def login(user, token):
            USER_SESSIONS[token] = {"user": user.id}
            active_tokens[token] = user.id
        """),
    case("app/auth/service.py", """
        class AuthService:
            sessions = {}  «

            def login(self, user_id, token):
                self.sessions[token] = user_id
        """),
    case("internal/auth/sessions.go", """
        package auth

        import "net/http"

        var sessions = map[string]string{} «

        func Login(w http.ResponseWriter, r *http.Request) {
        	token := newToken()
        	sessions[token] = r.FormValue("user")
        }
        """),
    case("internal/auth/store.go", """
        package auth

        import "sync"

        type SessionStore struct {
        	mu       sync.Mutex
        	sessions map[string]*Session «
        }

        func (s *SessionStore) Create(id string, sess *Session) {
        	s.mu.Lock()
        	defer s.mu.Unlock()
        	s.sessions[id] = sess
        }
        """),
]

CASES["reliability.no-retry"] += [
    case("app/messaging/sms.py", """
        from twilio.rest import Client

        client = Client()


        def send_sms(to, body):
            return client.messages.create(to=to, from_="+15550100", body=body)  «
        """),
    case("app/llm/async_llm.py", """
        from openai import AsyncOpenAI

        client = AsyncOpenAI()


        async def complete(prompt):
            resp = await client.chat.completions.create(  «
                model="gpt-4o",
                messages=[{"role": "user", "content": prompt}],
            )
            return resp.choices[0].message.content
        """),
    case("app/llm/async_tenacity.py", """
        from openai import AsyncOpenAI
        from tenacity import AsyncRetrying, stop_after_attempt

        client = AsyncOpenAI()


        async def complete(prompt):
            async for attempt in AsyncRetrying(stop=stop_after_attempt(3)):
                with attempt:
                    resp = await client.chat.completions.create(
                        model="gpt-4o",
                        messages=[{"role": "user", "content": prompt}],
                    )
            return resp.choices[0].message.content
        """),
]

CASES["reliability.swallowed-error"] += [
    case("app/tasks/more.py", """
        def a(job):
            try:
                job()
            except BaseException:  «
                pass


        def b(job):
            try:
                job()
            except Exception as e:  «
                pass


        def c(job):
            try:
                job()
            except ValueError:
                raise
        """),
    case("internal/client/more.go", """
        package client

        import (
        	"io/ioutil"
        	"net/http"
        	"os"
        	"strconv"
        )

        func Read(r *http.Request, path string) ([]byte, int) {
        	body, _ := ioutil.ReadAll(r.Body) «
        	f, _ := os.Open(path) «
        	defer f.Close()
        	n, err := strconv.Atoi(r.URL.Query().Get("n"))
        	if err != nil {
        		n = 10
        	}
        	return body, n
        }
        """),
    case("internal/store/sqlq.go", """
        package store

        import "database/sql"

        func Names(db *sql.DB) []string {
        	rows, _ := db.Query("SELECT name FROM users") «
        	defer rows.Close()
        	var out []string
        	for rows.Next() {
        		var n string
        		if err := rows.Scan(&n); err != nil {
        			continue
        		}
        		out = append(out, n)
        	}
        	return out
        }
        """),
    case("internal/client/fetch_test.go", """
        package client

        import (
        	"net/http"
        	"testing"
        )

        func TestFetch(t *testing.T) {
        	resp, _ := http.Get("http://localhost")
        	_ = resp
        }
        """),
]

CASES["db.missing-index"] += [
    case("app/models/sqlmodel_models.py", """
        from typing import Optional

        from sqlmodel import Field, SQLModel


        class Hero(SQLModel, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            team_id: Optional[int] = Field(default=None, foreign_key="team.id")  «
            owner_id: int = Field(index=True)
            name: str


        class HeroBase(SQLModel):
            team_id: Optional[int] = Field(default=None, foreign_key="team.id")
        """),
    case("app/schemas/order.py", """
        from pydantic import BaseModel, Field


        class OrderIn(BaseModel):
            user_id: int = Field(..., gt=0)
            status: str = Field(default="new")
        """),
    case("app/models/assoc.py", """
        from sqlalchemy import Column, ForeignKey, Integer, String

        from app.db import Base


        class Membership(Base):
            __tablename__ = "memberships"
            group_id = Column(Integer, ForeignKey("groups.id"), primary_key=True)
            member_id = Column(Integer, ForeignKey("users.id"), primary_key=True)
            invite_id = Column(String(32), unique=True)
        """),
]

CASES["db.pool-defaults"] += [
    case("app/db/aliased.py", """
        from sqlalchemy.ext.asyncio import create_async_engine as make_engine

        engine = make_engine(  «
            "postgresql+asyncpg://app@db/app",
            echo=False,
        )
        """),
]

CASES["go.goroutine-no-recover"] += [
    case("internal/jobs/ctx.go", """
        package jobs

        import (
        	"context"
        	"database/sql"
        )

        func Start(ctx context.Context, db *sql.DB) {
        	go func(ctx context.Context) { «
        		rows, err := db.QueryContext(ctx, "select id from jobs")
        		if err != nil {
        			return
        		}
        		defer rows.Close()
        	}(ctx)
        }

        func StartOK(ctx context.Context, db *sql.DB) {
        	go func() {
        		defer sentry.Recover()
        		_, _ = db.ExecContext(ctx, "delete from jobs where done")
        	}()
        }
        """),
]

CASES["go.unbounded-read"] += [
    case("internal/webhook/handler.go", """
        package webhook

        import (
        	"io"
        	"net/http"
        )

        func Handle(w http.ResponseWriter, req *http.Request) {
        	payload, err := io.ReadAll(req.Body) «
        	if err != nil {
        		w.WriteHeader(http.StatusBadRequest)
        		return
        	}
        	_ = payload
        }

        func readFile(f io.Reader) ([]byte, error) {
        	return io.ReadAll(f)
        }
        """),
]

CASES["go.sleep-in-handler"] += [
    case("internal/api/echo.go", """
        package api

        import (
        	"net/http"
        	"time"

        	"github.com/labstack/echo/v4"
        )

        func Slow(c echo.Context) error {
        	time.Sleep(time.Second) «
        	return c.String(http.StatusOK, "ok")
        }
        """),
    case("internal/worker/ok_wait.go", """
        package worker

        import (
        	"context"
        	"time"
        )

        func Wait(ctx context.Context, d time.Duration) error {
        	for {
        		select {
        		case <-time.After(d):
        			return nil
        		case <-ctx.Done():
        			return ctx.Err()
        		}
        	}
        }

        func warmup() {
        	time.Sleep(100 * time.Millisecond)
        }
        """),
    case("internal/worker/cenkalti.go", """
        package worker

        import (
        	"time"

        	"github.com/cenkalti/backoff/v4"
        )

        func Retry(op func() error) error {
        	b := backoff.NewExponentialBackOff()
        	for {
        		if err := op(); err == nil {
        			return nil
        		}
        		time.Sleep(b.NextBackOff())
        	}
        }
        """),
]

CASES["go.http-server-no-timeout"] += [
    case("internal/server/write_only.go", """
        package server

        import (
        	"net/http"
        	"time"
        )

        func NewW(addr string) *http.Server {
        	return &http.Server{Addr: addr, WriteTimeout: 10 * time.Second} «
        }

        func NewLater(addr string) *http.Server {
        	srv := &http.Server{Addr: addr}
        	srv.ReadHeaderTimeout = 5 * time.Second
        	return srv
        }
        """),
    case("cmd/alias/main.go", """
        package main

        import nethttp "net/http"

        func main() {
        	_ = nethttp.ListenAndServe(":9090", nil) «
        }
        """),
]

CASES["go.exported-lock"] += [
    case("internal/registry/embedded.go", """
        package registry

        import "sync"

        type Registry struct {
        	sync.RWMutex «
        	items map[string]int
        }

        func (r *Registry) Get(k string) int {
        	r.RLock()
        	defer r.RUnlock()
        	return r.items[k]
        }

        func (r *Registry) Set(k string, v int) {
        	r.Lock()
        	defer r.Unlock()
        	r.items[k] = v
        }
        """),
    case("internal/registry/len.go", """
        package registry

        import "sync"

        type Store struct {
        	mu sync.Mutex
        	m  map[string]int
        }

        func (s *Store) Put(k string, v int) {
        	s.mu.Lock()
        	defer s.mu.Unlock()
        	s.m[k] = v
        }

        func (s *Store) Len() int { «
        	return len(s.m)
        }
        """),
]

CASES["go.scanner-unchecked"] += [
    case("internal/net/conn.go", """
        package netx

        import (
        	"bufio"
        	"net"
        )

        func Lines(conn net.Conn, out chan<- string) {
        	sc := bufio.NewScanner(conn) «
        	for sc.Scan() { «
        		out <- sc.Text()
        	}
        }
        """),
]

# --- third batch ---------------------------------------------------------------------------------
CASES["go.goroutine-leak"] += [
    case("internal/pipeline/early_exit.go", """
        package pipeline

        func Process(items []int) error {
        	results := make(chan error)
        	go func() {
        		for _, it := range items {
        			results <- handle(it) «
        		}
        		close(results)
        	}()
        	for err := range results {
        		if err != nil {
        			return err
        		}
        	}
        	return nil
        }

        func ProcessAll(items []int) int {
        	results := make(chan int)
        	go func() {
        		defer close(results)
        		for _, it := range items {
        			results <- it * 2
        		}
        	}()
        	sum := 0
        	for v := range results {
        		sum += v
        	}
        	return sum
        }
        """),
]

CASES["go.sleep-in-handler"] += [
    case("internal/conn/dial.go", """
        package conn

        import (
        	"log"
        	"time"
        )

        func Connect(dial func() error) error {
        	if err := dial(); err != nil {
        		log.Printf("dial failed: %v, retrying", err)
        		time.Sleep(3 * time.Second) «
        		return dial()
        	}
        	return nil
        }
        """),
]

CASES["go.goroutine-no-recover"] += [
    case("internal/consume/workers.go", """
        package consume

        import (
        	"encoding/json"
        	"log"
        )

        func Consume(msgs <-chan []byte) {
        	for i := 0; i < 4; i++ {
        		go func() {
        			defer func() {
        				if r := recover(); r != nil {
        					log.Println(r)
        				}
        			}()
        			for m := range msgs {
        				var v map[string]any
        				_ = json.Unmarshal(m, &v)
        			}
        		}()
        	}
        	go func() { «
        		for m := range msgs {
        			var v map[string]any
        			_ = json.Unmarshal(m, &v)
        		}
        	}()
        }
        """),
]

CASES["db.pool-defaults"] += [
    case("app/sql_app/database.py", """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        SQLALCHEMY_DATABASE_URL = "postgresql://user@postgresserver/db"

        engine = create_engine(  «
            SQLALCHEMY_DATABASE_URL, connect_args={"options": "-c timezone=utc"}
        )
        SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)
        """),
]

CASES["state.in-memory-sessions"] += [
    case("app/auth/otp.py", """
        import random

        otp_codes = {}  «


        def send_otp(phone):
            code = random.randint(100000, 999999)
            otp_codes[phone] = code
            return code
        """),
]

CASES["py.unbounded-memory"] += [
    case("app/api/messages.py", """
        from fastapi import FastAPI

        app = FastAPI()
        messages = []  «


        @app.post("/messages")
        async def post_message(m: dict):
            messages.append(m)
            return m
        """),
]

PARAMS = [
    pytest.param(rule_id, path, text, expected, id=f"{rule_id}:{path}")
    for rule_id, cases in CASES.items()
    for path, text, expected in cases
]


@pytest.mark.parametrize("rule_id,path,text,expected", PARAMS)
def test_catalog2_reliability(rule_id: str, path: str, text: str, expected: set[int]) -> None:
    assert lines(rule_id, path, text) == expected
