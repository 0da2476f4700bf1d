"""Catalog-driven table tests for the Go reliability rules: (path, text, exact flagged lines).

Written from the rows of the rule catalog (rules-catalog.md, "Reliability and concurrency"), not
from the implementation. A line ending in `// <<` is a line the rule must flag; the marker is
stripped before the rule runs.
"""
from __future__ import annotations


import pytest

from bot.config import Config
from bot.engine import analyze_file
from bot.models import Severity
from checks import all_rules
from checks.source import SourceFile
from tests.rule_harness import run_on_text
from tests.rule_harness import case

RULES = all_rules()


# --------------------------------------------------------------------------------------------
GOROUTINE_LEAK = [
    case("internal/worker/fanout.go", '''
        package worker

        import "context"

        func Compute(ctx context.Context, items []int) int {
        	results := make(chan int)
        	for _, it := range items {
        		go func(v int) {
        			results <- v * 2 // <<
        		}(it)
        	}
        	return <-results
        }
        '''),
    case("internal/stream/producer.go", '''
        package stream

        type Event struct{ ID string }

        // Produce pushes events into a channel owned by the caller.
        func Produce(out chan<- Event, ids []string) {
        	go func() {
        		for _, id := range ids {
        			out <- Event{ID: id} // <<
        		}
        	}()
        }
        '''),
    case("internal/stream/select_ctx.go", '''
        package stream

        import "context"

        func Produce(ctx context.Context, out chan<- string, ids []string) {
        	go func() {
        		for _, id := range ids {
        			select {
        			case out <- id:
        			case <-ctx.Done():
        				return
        			}
        		}
        	}()
        }
        '''),
    case("internal/stream/select_default.go", '''
        package stream

        func Notify(out chan<- string, msg string) {
        	go func() {
        		select {
        		case out <- msg:
        		default:
        		}
        	}()
        }
        '''),
    case("internal/stream/select_done.go", '''
        package stream

        type Pump struct {
        	done chan struct{}
        	out  chan int
        }

        func (p *Pump) Start(values []int) {
        	go func() {
        		for _, v := range values {
        			select {
        			case p.out <- v:
        			case <-p.done:
        				return
        			}
        		}
        	}()
        }
        '''),
    case("internal/fetch/buffered.go", '''
        package fetch

        import (
        	nethttp "net/http"
        )

        func Fetch(url string) error {
        	errc := make(chan error, 1)
        	go func() {
        		_, err := nethttp.Get(url)
        		errc <- err
        	}()
        	return <-errc
        }
        '''),
    case("internal/fetch/aliased_ctx.go", '''
        package fetch

        import (
        	stdctx "context"
        )

        func Run(c stdctx.Context, out chan int) {
        	go func() {
        		select {
        		case out <- 1:
        		case <-c.Done():
        		}
        	}()
        }
        '''),
    case("internal/fetch/sync_send.go", '''
        package fetch

        func Fill(out chan<- int, n int) {
        	for i := 0; i < n; i++ {
        		out <- i
        	}
        	close(out)
        }
        '''),
    case("internal/fetch/param_chan.go", '''
        package fetch

        func Start(jobs []string) chan string {
        	ch := make(chan string)
        	go func(c chan string) {
        		for _, j := range jobs {
        			c <- j // <<
        		}
        		close(c)
        	}(ch)
        	return ch
        }
        '''),
    case("internal/fetch/fanout_test.go", '''
        package fetch

        import "testing"

        func TestFanout(t *testing.T) {
        	results := make(chan int)
        	go func() {
        		results <- 1
        	}()
        	<-results
        }
        '''),
    case("internal/server/handler.go", '''
        package server

        import (
        	"net/http"

        	"github.com/gin-gonic/gin"
        )

        func Handle(c *gin.Context) {
        	done := make(chan string)
        	go func() {
        		resp, err := http.Get("https://example.com")
        		if err != nil {
        			done <- err.Error() // <<
        			return
        		}
        		done <- resp.Status // <<
        	}()
        	select {
        	case s := <-done:
        		c.String(http.StatusOK, s)
        	case <-c.Request.Context().Done():
        		c.AbortWithStatus(http.StatusGatewayTimeout)
        	}
        }
        '''),
    case("internal/jobs/early_return.go", '''
        package jobs

        import "errors"

        func Run(job func() error, skip bool) error {
        	errCh := make(chan error)
        	go func() {
        		errCh <- job() // <<
        	}()
        	if skip {
        		return errors.New("skipped")
        	}
        	return <-errCh
        }
        '''),
    case("internal/jobs/collect.go", '''
        package jobs

        func Sum(items []int) int {
        	results := make(chan int)
        	for _, it := range items {
        		go func(v int) {
        			results <- v * v
        		}(it)
        	}
        	total := 0
        	for range items {
        		total += <-results
        	}
        	return total
        }
        '''),
]


@pytest.mark.parametrize("path,text,expected", GOROUTINE_LEAK)
def test_goroutine_leak(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["go.goroutine-leak"], path, text) == expected


# --------------------------------------------------------------------------------------------
GOROUTINE_NO_RECOVER = [
    case("internal/sync/poller.go", '''
        package sync

        import (
        	"io"
        	"net/http"
        )

        func Poll(url string) {
        	go func() { // <<
        		resp, err := http.Get(url)
        		if err != nil {
        			return
        		}
        		defer resp.Body.Close()
        		_, _ = io.Copy(io.Discard, resp.Body)
        	}()
        }
        '''),
    case("internal/ingest/parse.go", '''
        package ingest

        import "encoding/json"

        type Msg struct{ Kind string }

        func Consume(raw <-chan []byte, out chan<- Msg) {
        	go func() { // <<
        		for b := range raw {
        			var m Msg
        			if err := json.Unmarshal(b, &m); err == nil {
        				out <- m
        			}
        		}
        	}()
        }
        '''),
    case("internal/ingest/recovered.go", '''
        package ingest

        import (
        	"encoding/json"
        	"log"
        )

        func Consume(raw <-chan []byte) {
        	go func() {
        		defer func() {
        			if r := recover(); r != nil {
        				log.Printf("consumer panic: %v", r)
        			}
        		}()
        		for b := range raw {
        			var v map[string]any
        			_ = json.Unmarshal(b, &v)
        		}
        	}()
        }
        '''),
    case("internal/ingest/helper.go", '''
        package ingest

        import (
        	"encoding/json"
        	"log"
        )

        func recoverPanic(name string) {
        	if r := recover(); r != nil {
        		log.Printf("%s panic: %v", name, r)
        	}
        }

        func Consume(raw <-chan []byte) {
        	go func() {
        		defer recoverPanic("consumer")
        		for b := range raw {
        			var v map[string]any
        			_ = json.Unmarshal(b, &v)
        		}
        	}()
        }
        '''),
    case("internal/ingest/pkg_helper.go", '''
        package ingest

        import (
        	"net/http"

        	"example.com/app/internal/safe"
        )

        func Warm(urls []string) {
        	for _, u := range urls {
        		u := u
        		go func() {
        			defer safe.Recover()
        			_, _ = http.Get(u)
        		}()
        	}
        }
        '''),
    case("internal/ingest/safego_use.go", '''
        package ingest

        import (
        	"net/http"

        	"example.com/app/internal/safego"
        )

        func Warm(urls []string) {
        	for _, u := range urls {
        		u := u
        		safego.Go(func() {
        			_, _ = http.Get(u)
        		})
        	}
        }
        '''),
    case("internal/util/safego.go", '''
        package util

        import "log"

        // SafeGo runs fn in a goroutine that cannot crash the process.
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

        func StartTicker(counter *int) {
        	go func() { // <<
        		*counter++
        	}()
        }
        '''),
    case("internal/util/counter.go", '''
        package util

        import "sync"

        func Count(n int) int {
        	var wg sync.WaitGroup
        	var mu sync.Mutex
        	total := 0
        	for i := 0; i < n; i++ {
        		wg.Add(1)
        		go func(v int) {
        			defer wg.Done()
        			mu.Lock()
        			total += v
        			mu.Unlock()
        		}(i)
        	}
        	wg.Wait()
        	return total
        }
        '''),
    case("internal/sync/poller_test.go", '''
        package sync

        import (
        	"net/http"
        	"testing"
        )

        func TestPoll(t *testing.T) {
        	go func() {
        		_, _ = http.Get("http://127.0.0.1:1")
        	}()
        }
        '''),
    case("internal/files/loader.go", '''
        package files

        import (
        	"os"
        )

        type Loader struct{ cache map[string][]byte }

        func (l *Loader) Preload(paths []string) {
        	go func() { // <<
        		for _, p := range paths {
        			b, err := os.ReadFile(p)
        			if err == nil {
        				l.cache[p] = b
        			}
        		}
        	}()
        }
        '''),
    case("internal/sync/alias.go", '''
        package sync

        import (
        	nethttp "net/http"
        )

        func Ping(url string) {
        	go func(u string) { // <<
        		_, _ = nethttp.Get(u)
        	}(url)
        }
        '''),
]


GOROUTINE_NO_RECOVER += [
    case("internal/api/hook.go", '''
        package api

        import (
        	"encoding/json"
        	"net/http"

        	"github.com/labstack/echo/v4"
        )

        func Hook(c echo.Context) error {
        	body := c.Request().Body
        	go func() { // <<
        		var v map[string]any
        		_ = json.NewDecoder(body).Decode(&v)
        	}()
        	return c.NoContent(http.StatusAccepted)
        }
        '''),
]


@pytest.mark.parametrize("path,text,expected", GOROUTINE_NO_RECOVER)
def test_goroutine_no_recover(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["go.goroutine-no-recover"], path, text) == expected


# --------------------------------------------------------------------------------------------
UNBOUNDED_READ = [
    case("internal/client/fetch.go", '''
        package client

        import (
        	"io"
        	"net/http"
        )

        func Fetch(url string) ([]byte, error) {
        	resp, err := http.Get(url)
        	if err != nil {
        		return nil, err
        	}
        	defer resp.Body.Close()
        	return io.ReadAll(resp.Body) // <<
        }
        '''),
    case("internal/api/upload.go", '''
        package api

        import (
        	"io/ioutil"
        	"net/http"
        )

        func Upload(w http.ResponseWriter, r *http.Request) {
        	body, err := ioutil.ReadAll(r.Body) // <<
        	if err != nil {
        		http.Error(w, "bad body", http.StatusBadRequest)
        		return
        	}
        	_, _ = w.Write(body)
        }
        '''),
    case("internal/client/limited.go", '''
        package client

        import (
        	"io"
        	"net/http"
        )

        const maxBody = 1 << 20

        func Fetch(url string) ([]byte, error) {
        	resp, err := http.Get(url)
        	if err != nil {
        		return nil, err
        	}
        	defer resp.Body.Close()
        	return io.ReadAll(io.LimitReader(resp.Body, maxBody))
        }
        '''),
    case("internal/api/maxbytes.go", '''
        package api

        import (
        	"io"
        	"net/http"
        )

        func Upload(w http.ResponseWriter, r *http.Request) {
        	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
        	body, err := io.ReadAll(r.Body)
        	if err != nil {
        		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
        		return
        	}
        	_, _ = w.Write(body)
        }
        '''),
    case("internal/api/gin_handler.go", '''
        package api

        import (
        	"io"
        	"net/http"

        	"github.com/gin-gonic/gin"
        )

        func Webhook(c *gin.Context) {
        	payload, err := io.ReadAll(c.Request.Body) // <<
        	if err != nil {
        		c.AbortWithStatus(http.StatusBadRequest)
        		return
        	}
        	c.JSON(http.StatusOK, gin.H{"size": len(payload)})
        }
        '''),
    case("internal/api/echo_handler.go", '''
        package api

        import (
        	"io"
        	"net/http"

        	"github.com/labstack/echo/v4"
        )

        func Webhook(c echo.Context) error {
        	payload, err := io.ReadAll(c.Request().Body) // <<
        	if err != nil {
        		return err
        	}
        	return c.JSON(http.StatusOK, map[string]int{"size": len(payload)})
        }
        '''),
    case("internal/client/alias.go", '''
        package client

        import (
        	goio "io"
        	nethttp "net/http"
        )

        func Fetch(u string) ([]byte, error) {
        	res, err := nethttp.Get(u)
        	if err != nil {
        		return nil, err
        	}
        	defer res.Body.Close()
        	return goio.ReadAll(res.Body) // <<
        }
        '''),
    case("internal/client/multiline.go", '''
        package client

        import (
        	"io"
        	"net/http"
        )

        func Fetch(c *http.Client, req *http.Request) ([]byte, error) {
        	response, err := c.Do(req)
        	if err != nil {
        		return nil, err
        	}
        	defer response.Body.Close()
        	data, err := io.ReadAll( // <<
        		response.Body,
        	)
        	return data, err
        }
        '''),
    case("internal/config/file.go", '''
        package config

        import (
        	"io"
        	"os"
        )

        func Load(path string) ([]byte, error) {
        	f, err := os.Open(path)
        	if err != nil {
        		return nil, err
        	}
        	defer f.Close()
        	return io.ReadAll(f)
        }
        '''),
    case("internal/client/limited_var.go", '''
        package client

        import (
        	"io"
        	"net/http"
        )

        func Fetch(url string) ([]byte, error) {
        	resp, err := http.Get(url)
        	if err != nil {
        		return nil, err
        	}
        	defer resp.Body.Close()
        	limited := io.LimitReader(resp.Body, 10<<20)
        	return io.ReadAll(limited)
        }
        '''),
    case("internal/client/fetch_test.go", '''
        package client

        import (
        	"io"
        	"net/http/httptest"
        	"testing"
        )

        func TestFetch(t *testing.T) {
        	rec := httptest.NewRecorder()
        	b, _ := io.ReadAll(rec.Result().Body)
        	_ = b
        }
        '''),
]


UNBOUNDED_READ += [
    case("internal/client/do.go", '''
        package client

        import (
        	"encoding/json"
        	"io/ioutil"
        	"net/http"
        )

        func Call(c *http.Client, req *http.Request, w http.ResponseWriter, r *http.Request) error {
        	resp, err := c.Do(req)
        	if err != nil {
        		return err
        	}
        	defer resp.Body.Close()
        	b, err := ioutil.ReadAll(resp.Body) // <<
        	if err != nil {
        		return err
        	}
        	var v map[string]any
        	if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
        		return err
        	}
        	return json.Unmarshal(b, &v)
        }
        '''),
]


@pytest.mark.parametrize("path,text,expected", UNBOUNDED_READ)
def test_unbounded_read(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["go.unbounded-read"], path, text) == expected


# --------------------------------------------------------------------------------------------
SLEEP_IN_HANDLER = [
    case("internal/api/slow.go", '''
        package api

        import (
        	"net/http"
        	"time"
        )

        type Server struct{}

        func (s *Server) Status(w http.ResponseWriter, r *http.Request) {
        	time.Sleep(500 * time.Millisecond) // <<
        	w.WriteHeader(http.StatusOK)
        }
        '''),
    case("internal/api/gin_slow.go", '''
        package api

        import (
        	"net/http"
        	"time"

        	"github.com/gin-gonic/gin"
        )

        func Register(r *gin.Engine) {
        	r.GET("/ready", func(c *gin.Context) {
        		time.Sleep(2 * time.Second) // <<
        		c.Status(http.StatusOK)
        	})
        }
        '''),
    case("internal/api/echo_slow.go", '''
        package api

        import (
        	"net/http"
        	"time"

        	"github.com/labstack/echo/v4"
        )

        func Ready(c echo.Context) error {
        	time.Sleep(time.Second) // <<
        	return c.NoContent(http.StatusOK)
        }
        '''),
    case("internal/api/mux.go", '''
        package api

        import (
        	nethttp "net/http"
        	"time"
        )

        func Routes(mux *nethttp.ServeMux) {
        	mux.HandleFunc("/slow", func(w nethttp.ResponseWriter, r *nethttp.Request) {
        		time.Sleep(3 * time.Second) // <<
        		w.WriteHeader(nethttp.StatusNoContent)
        	})
        }
        '''),
    case("internal/queue/consumer.go", '''
        package queue

        import (
        	"log"
        	"time"
        )

        type Consumer struct{ src Source }

        type Source interface{ Next() ([]byte, error) }

        func (c *Consumer) Run() {
        	for {
        		msg, err := c.src.Next()
        		if err != nil {
        			log.Printf("next: %v", err)
        			time.Sleep(time.Second) // <<
        			continue
        		}
        		_ = msg
        	}
        }
        '''),
    case("internal/queue/poll.go", '''
        package queue

        import "time"

        func Poll(check func() bool) {
        	for !check() {
        		time.Sleep(5 * time.Second) // <<
        	}
        }
        '''),
    case("cmd/migrate/main.go", '''
        package main

        import (
        	"database/sql"
        	"log"
        	"time"
        )

        func main() {
        	var db *sql.DB
        	for i := 0; i < 10; i++ {
        		if err := db.Ping(); err != nil {
        			log.Printf("waiting for db: %v", err)
        			time.Sleep(2 * time.Second)
        			continue
        		}
        		break
        	}
        }
        '''),
    case("internal/queue/poll_test.go", '''
        package queue

        import (
        	"testing"
        	"time"
        )

        func TestPoll(t *testing.T) {
        	for i := 0; i < 3; i++ {
        		time.Sleep(10 * time.Millisecond)
        	}
        }
        '''),
    case("internal/retry/backoff.go", '''
        package retry

        import "time"

        // Backoff sleeps for an exponentially growing delay.
        func Backoff(attempt int) {
        	time.Sleep(time.Duration(1<<attempt) * 100 * time.Millisecond)
        }
        '''),
    case("internal/queue/backoff_loop.go", '''
        package queue

        import (
        	"time"

        	"github.com/cenkalti/backoff/v4"
        )

        func Drain(next func() error) {
        	b := backoff.NewExponentialBackOff()
        	for {
        		if err := next(); err != nil {
        			time.Sleep(b.NextBackOff())
        			continue
        		}
        		b.Reset()
        	}
        }
        '''),
    case("internal/boot/warmup.go", '''
        package boot

        import "time"

        // Warmup gives the sidecar a moment to start.
        func Warmup() {
        	time.Sleep(200 * time.Millisecond)
        }
        '''),
]


SLEEP_IN_HANDLER += [
    case("internal/api/orders.go", '''
        package api

        import (
        	"net/http"
        	"time"

        	"github.com/gin-gonic/gin"
        )

        type OrderHandler struct{}

        func (h *OrderHandler) Create(c *gin.Context) {
        	var body struct{ SKU string }
        	if err := c.ShouldBindJSON(&body); err != nil {
        		time.Sleep(100 * time.Millisecond) // <<
        		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
        		return
        	}
        	c.Status(http.StatusCreated)
        }
        '''),
]


@pytest.mark.parametrize("path,text,expected", SLEEP_IN_HANDLER)
def test_sleep_in_handler(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["go.sleep-in-handler"], path, text) == expected


# --------------------------------------------------------------------------------------------
SCANNER_UNCHECKED = [
    case("internal/importer/lines.go", '''
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
        	scanner := bufio.NewScanner(f)
        	n := 0
        	for scanner.Scan() { // <<
        		n++
        	}
        	return n, nil
        }
        '''),
    case("internal/importer/checked.go", '''
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
        	scanner := bufio.NewScanner(f)
        	n := 0
        	for scanner.Scan() {
        		n++
        	}
        	if err := scanner.Err(); err != nil {
        		return 0, err
        	}
        	return n, nil
        }
        '''),
    case("internal/importer/return_err.go", '''
        package importer

        import (
        	"bufio"
        	"io"
        )

        func Each(r io.Reader, fn func(string)) error {
        	sc := bufio.NewScanner(r)
        	for sc.Scan() {
        		fn(sc.Text())
        	}
        	return sc.Err()
        }
        '''),
    case("cmd/tool/stdin.go", '''
        package main

        import (
        	"bufio"
        	"fmt"
        	"os"
        )

        func main() {
        	in := bufio.NewScanner(os.Stdin)
        	for in.Scan() { // <<
        		fmt.Println(in.Text())
        	}
        }
        '''),
    case("internal/llm/stream.go", '''
        package llm

        import (
        	"bufio"
        	"net/http"
        )

        func Stream(resp *http.Response, emit func(string)) error {
        	defer resp.Body.Close()
        	reader := bufio.NewScanner(resp.Body) // <<
        	for reader.Scan() {
        		emit(reader.Text())
        	}
        	return reader.Err()
        }
        '''),
    case("internal/llm/stream_buffered.go", '''
        package llm

        import (
        	"bufio"
        	"net/http"
        )

        func Stream(resp *http.Response, emit func(string)) error {
        	defer resp.Body.Close()
        	reader := bufio.NewScanner(resp.Body)
        	reader.Buffer(make([]byte, 0, 64*1024), 1024*1024)
        	for reader.Scan() {
        		emit(reader.Text())
        	}
        	if err := reader.Err(); err != nil {
        		return err
        	}
        	return nil
        }
        '''),
    case("internal/importer/lines_test.go", '''
        package importer

        import (
        	"bufio"
        	"strings"
        	"testing"
        )

        func TestLines(t *testing.T) {
        	sc := bufio.NewScanner(strings.NewReader("a\\nb"))
        	for sc.Scan() {
        	}
        }
        '''),
    case("internal/importer/words.go", '''
        package importer

        import (
        	"bufio"
        	"io"
        	"log"
        )

        func Words(r io.Reader) []string {
        	var out []string
        	ws := bufio.NewScanner(r)
        	ws.Split(bufio.ScanWords)
        	for ws.Scan() {
        		out = append(out, ws.Text())
        	}
        	if ws.Err() != nil {
        		log.Printf("scan: %v", ws.Err())
        	}
        	return out
        }
        '''),
]


SCANNER_UNCHECKED += [
    case("internal/proto/conn.go", '''
        package proto

        import (
        	"bufio"
        	"net"
        )

        func ReadLines(conn net.Conn, handle func(string)) error {
        	sc := bufio.NewScanner(conn) // <<
        	for {
        		if !sc.Scan() {
        			break
        		}
        		handle(sc.Text())
        	}
        	return sc.Err()
        }
        '''),
]


@pytest.mark.parametrize("path,text,expected", SCANNER_UNCHECKED)
def test_scanner_unchecked(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["go.scanner-unchecked"], path, text) == expected


# --------------------------------------------------------------------------------------------
HTTP_SERVER_NO_TIMEOUT = [
    case("cmd/api/main.go", '''
        package main

        import (
        	"log"
        	"net/http"
        )

        func main() {
        	mux := http.NewServeMux()
        	log.Fatal(http.ListenAndServe(":8080", mux)) // <<
        }
        '''),
    case("cmd/api/tls.go", '''
        package main

        import (
        	"log"
        	"net/http"
        )

        func serveTLS(h http.Handler) {
        	log.Fatal(http.ListenAndServeTLS(":8443", "cert.pem", "key.pem", h)) // <<
        }
        '''),
    case("internal/server/server.go", '''
        package server

        import (
        	"net/http"
        )

        func New(h http.Handler) *http.Server {
        	return &http.Server{ // <<
        		Addr:    ":8080",
        		Handler: h,
        	}
        }
        '''),
    case("internal/server/timeouts.go", '''
        package server

        import (
        	"net/http"
        	"time"
        )

        func New(h http.Handler) *http.Server {
        	return &http.Server{
        		Addr:              ":8080",
        		Handler:           h,
        		ReadHeaderTimeout: 5 * time.Second,
        	}
        }
        '''),
    case("internal/server/read_timeout.go", '''
        package server

        import (
        	"net/http"
        	"time"
        )

        func New(h http.Handler) *http.Server {
        	srv := &http.Server{Addr: ":8080", Handler: h, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
        	return srv
        }
        '''),
    case("internal/server/value.go", '''
        package server

        import (
        	"net/http"
        	"time"
        )

        func Run(h http.Handler) error {
        	srv := http.Server{ // <<
        		Addr:         ":8080",
        		Handler:      h,
        		WriteTimeout: 15 * time.Second,
        		IdleTimeout:  60 * time.Second,
        	}
        	return srv.ListenAndServe()
        }
        '''),
    case("cmd/gateway/main.go", '''
        package main

        import (
        	nethttp "net/http"

        	"github.com/gin-gonic/gin"
        )

        func main() {
        	r := gin.New()
        	_ = nethttp.ListenAndServe(":9090", r) // <<
        }
        '''),
    case("internal/server/field_later.go", '''
        package server

        import (
        	"net/http"
        	"time"
        )

        func New(h http.Handler, cfg Config) *http.Server {
        	return &http.Server{
        		Addr:              cfg.Addr,
        		Handler:           h,
        		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
        		ReadTimeout:       cfg.ReadTimeout,
        	}
        }

        type Config struct {
        	Addr              string
        	ReadHeaderTimeout time.Duration
        	ReadTimeout       time.Duration
        }
        '''),
    case("internal/server/server_test.go", '''
        package server

        import (
        	"net/http"
        	"testing"
        )

        func TestServe(t *testing.T) {
        	go http.ListenAndServe("127.0.0.1:0", nil)
        	srv := &http.Server{Addr: ":0"}
        	_ = srv
        }
        '''),
    case("internal/server/echo.go", '''
        package server

        import (
        	"net/http"
        	"time"

        	"github.com/labstack/echo/v4"
        )

        func Start(e *echo.Echo) error {
        	s := &http.Server{
        		Addr:              ":8080",
        		ReadHeaderTimeout: 3 * time.Second,
        	}
        	return e.StartServer(s)
        }
        '''),
]


HTTP_SERVER_NO_TIMEOUT += [
    case("internal/server/assigned.go", '''
        package server

        import (
        	"net/http"
        	"time"
        )

        func New(h http.Handler) *http.Server {
        	srv := &http.Server{Addr: ":80", Handler: h}
        	srv.ReadHeaderTimeout = 5 * time.Second
        	return srv
        }
        '''),
]


@pytest.mark.parametrize("path,text,expected", HTTP_SERVER_NO_TIMEOUT)
def test_http_server_no_timeout(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["go.http-server-no-timeout"], path, text) == expected


# --------------------------------------------------------------------------------------------
HTTP_CLIENT_NO_TIMEOUT_GO = [
    case("internal/client/get.go", '''
        package client

        import "net/http"

        func Ping(url string) error {
        	resp, err := http.Get(url) // <<
        	if err != nil {
        		return err
        	}
        	return resp.Body.Close()
        }
        '''),
    case("internal/client/post.go", '''
        package client

        import (
        	"bytes"
        	"net/http"
        )

        func Send(url string, body []byte) (*http.Response, error) {
        	return http.Post(url, "application/json", bytes.NewReader(body)) // <<
        }
        '''),
    case("internal/client/default.go", '''
        package client

        import (
        	"context"
        	"net/http"
        )

        func Do(ctx context.Context, url string) (*http.Response, error) {
        	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
        	if err != nil {
        		return nil, err
        	}
        	return http.DefaultClient.Do(req) // <<
        }
        '''),
    case("internal/client/empty.go", '''
        package client

        import "net/http"

        type API struct{ http *http.Client }

        func NewAPI() *API {
        	return &API{http: &http.Client{}} // <<
        }
        '''),
    case("internal/client/transport.go", '''
        package client

        import (
        	"crypto/tls"
        	"net/http"
        )

        func New() *http.Client {
        	tr := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
        	return &http.Client{ // <<
        		Transport: tr,
        	}
        }
        '''),
    case("internal/client/timeout.go", '''
        package client

        import (
        	"net/http"
        	"time"
        )

        func New() *http.Client {
        	return &http.Client{Timeout: 10 * time.Second}
        }
        '''),
    case("internal/client/timeout_multiline.go", '''
        package client

        import (
        	"net/http"
        	"time"
        )

        type Config struct{ Timeout time.Duration }

        func New(cfg Config) *http.Client {
        	return &http.Client{
        		Transport: http.DefaultTransport,
        		Timeout:   cfg.Timeout,
        	}
        }
        '''),
    case("internal/client/alias.go", '''
        package client

        import (
        	nethttp "net/http"
        )

        func Ping(u string) error {
        	res, err := nethttp.Get(u) // <<
        	if err != nil {
        		return err
        	}
        	return res.Body.Close()
        }
        '''),
    case("internal/client/reused.go", '''
        package client

        import (
        	"net/http"
        	"time"
        )

        var httpClient = &http.Client{Timeout: 5 * time.Second}

        func Ping(u string) error {
        	res, err := httpClient.Get(u)
        	if err != nil {
        		return err
        	}
        	return res.Body.Close()
        }
        '''),
    case("internal/client/get_test.go", '''
        package client

        import (
        	"net/http"
        	"testing"
        )

        func TestPing(t *testing.T) {
        	resp, err := http.Get("http://127.0.0.1:1")
        	_ = resp
        	_ = err
        	_ = &http.Client{}
        }
        '''),
]


HTTP_CLIENT_NO_TIMEOUT_GO += [
    case("internal/client/misc.go", '''
        package client

        import "net/http"

        func Probe(u string) {
        	_, _ = http.Head(u) // <<
        	_, _ = http.PostForm(u, nil) // <<
        	cl := http.Client{} // <<
        	_ = cl
        }
        '''),
]


@pytest.mark.parametrize("path,text,expected", HTTP_CLIENT_NO_TIMEOUT_GO)
def test_http_client_no_timeout_go(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["http.client-no-timeout"], path, text) == expected


# --------------------------------------------------------------------------------------------
EXPORTED_LOCK = [
    case("internal/store/store.go", '''
        package store

        import "sync"

        type Store struct {
        	mu   sync.Mutex
        	data map[string]string
        }

        func (s *Store) Lock() { s.mu.Lock() } // <<

        func (s *Store) Unlock() { s.mu.Unlock() } // <<

        func (s *Store) Set(k, v string) {
        	s.mu.Lock()
        	defer s.mu.Unlock()
        	s.data[k] = v
        }
        '''),
    case("internal/store/rw.go", '''
        package store

        import "sync"

        type Registry struct {
        	mu    sync.RWMutex
        	items map[string]int
        }

        func (r *Registry) RLock() { // <<
        	r.mu.RLock()
        }

        func (r *Registry) RUnlock() { // <<
        	r.mu.RUnlock()
        }

        func (r *Registry) Get(name string) int {
        	r.mu.RLock()
        	defer r.mu.RUnlock()
        	return r.items[name]
        }
        '''),
    case("internal/store/getter.go", '''
        package store

        import "sync"

        type Cache struct {
        	mu    sync.Mutex
        	items map[string][]byte
        }

        func (c *Cache) Put(k string, v []byte) {
        	c.mu.Lock()
        	defer c.mu.Unlock()
        	c.items[k] = v
        }

        func (c *Cache) Get(k string) []byte { // <<
        	return c.items[k]
        }
        '''),
    case("internal/store/guarded.go", '''
        package store

        import "sync"

        type Cache struct {
        	mu    sync.RWMutex
        	items map[string][]byte
        }

        func (c *Cache) Put(k string, v []byte) {
        	c.mu.Lock()
        	defer c.mu.Unlock()
        	c.items[k] = v
        }

        func (c *Cache) Get(k string) []byte {
        	c.mu.RLock()
        	defer c.mu.RUnlock()
        	return c.items[k]
        }

        func (c *Cache) Len() int {
        	c.mu.RLock()
        	n := len(c.items)
        	c.mu.RUnlock()
        	return n
        }
        '''),
    case("internal/store/only_exported.go", '''
        package store

        import "sync"

        // Tx is locked by callers around multi-step updates.
        type Tx struct {
        	mu   sync.Mutex
        	rows []string
        }

        func (t *Tx) Lock()   { t.mu.Lock() }
        func (t *Tx) Unlock() { t.mu.Unlock() }
        '''),
    case("internal/store/no_mutex.go", '''
        package store

        type Point struct {
        	X, Y int
        }

        func (p *Point) Move(dx, dy int) {
        	p.X += dx
        	p.Y += dy
        }

        func (p Point) Sum() int { return p.X + p.Y }
        '''),
]


EXPORTED_LOCK += [
    case("internal/metrics/counter.go", '''
        package metrics

        import "sync"

        type Counter struct {
        	sync.Mutex // <<
        	count int
        }

        func (c *Counter) Inc() {
        	c.Lock()
        	defer c.Unlock()
        	c.count++
        }
        '''),
    case("internal/metrics/stats.go", '''
        package metrics

        import "sync"

        type Stats struct {
        	mu    sync.RWMutex
        	count int
        }

        func (s *Stats) Inc() {
        	s.mu.Lock()
        	s.count++
        	s.mu.Unlock()
        }

        func (s *Stats) Count() int { // <<
        	return s.count
        }
        '''),
]


@pytest.mark.parametrize("path,text,expected", EXPORTED_LOCK)
def test_exported_lock(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["go.exported-lock"], path, text) == expected


# --------------------------------------------------------------------------------------------
SWALLOWED_ERROR_GO = [
    case("internal/jobs/cleanup.go", '''
        package jobs

        import "os"

        func Cleanup(path string) {
        	err := os.Remove(path)
        	_ = err // <<
        }
        '''),
    case("internal/client/ignored.go", '''
        package client

        import "net/http"

        func Status(url string) int {
        	resp, _ := http.Get(url) // <<
        	defer resp.Body.Close()
        	return resp.StatusCode
        }
        '''),
    case("internal/api/body.go", '''
        package api

        import (
        	"io"
        	"net/http"
        )

        func Echo(w http.ResponseWriter, r *http.Request) {
        	body, _ := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20)) // <<
        	_, _ = w.Write(body)
        }
        '''),
    case("internal/files/open.go", '''
        package files

        import "os"

        func Size(path string) int64 {
        	f, _ := os.Open(path) // <<
        	defer f.Close()
        	st, err := f.Stat()
        	if err != nil {
        		return 0
        	}
        	return st.Size()
        }
        '''),
    case("internal/client/alias.go", '''
        package client

        import nethttp "net/http"

        func Status(u string) int {
        	res, _ := nethttp.Get(u) // <<
        	return res.StatusCode
        }
        '''),
    case("internal/parse/safe.go", '''
        package parse

        import (
        	"strconv"
        )

        func Values(m map[string]string, items []string) (int, bool) {
        	n, _ := strconv.Atoi(m["n"])
        	v, ok := m["k"]
        	for _, it := range items {
        		_ = it
        	}
        	return n + len(v), ok
        }
        '''),
    case("internal/client/handled.go", '''
        package client

        import (
        	"fmt"
        	"net/http"
        )

        func Status(url string) (int, error) {
        	resp, err := http.Get(url)
        	if err != nil {
        		return 0, fmt.Errorf("get %s: %w", url, err)
        	}
        	defer resp.Body.Close()
        	return resp.StatusCode, nil
        }
        '''),
    case("internal/client/ignored_test.go", '''
        package client

        import (
        	"net/http"
        	"testing"
        )

        func TestStatus(t *testing.T) {
        	resp, _ := http.Get("http://127.0.0.1:1")
        	_ = resp
        	err := resp.Body.Close()
        	_ = err
        }
        '''),
]


SWALLOWED_ERROR_GO += [
    case("internal/store/purge.go", '''
        package store

        import (
        	"database/sql"
        	"encoding/json"
        	"os"
        )

        func Purge(db *sql.DB, b []byte) {
        	var v map[string]any
        	json.Unmarshal(b, &v) // <<
        	db.Exec("DELETE FROM sessions") // <<
        	os.WriteFile("state.json", b, 0o600) // <<
        	if err := os.Remove("state.json"); err != nil { // <<
        	}
        }
        '''),
]


@pytest.mark.parametrize("path,text,expected", SWALLOWED_ERROR_GO)
def test_swallowed_error_go(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["reliability.swallowed-error"], path, text) == expected


# --------------------------------------------------------------------------------------------
IN_MEMORY_SESSIONS_GO = [
    case("internal/auth/sessions.go", '''
        package auth

        import (
        	"net/http"
        	"sync"
        )

        type Session struct{ UserID string }

        var (
        	mu       sync.Mutex
        	sessions = map[string]*Session{} // <<
        )

        func Login(w http.ResponseWriter, r *http.Request) {
        	token := r.FormValue("token")
        	mu.Lock()
        	sessions[token] = &Session{UserID: r.FormValue("user")}
        	mu.Unlock()
        }
        '''),
    case("internal/auth/redis.go", '''
        package auth

        import (
        	"context"
        	"time"

        	"github.com/redis/go-redis/v9"
        )

        func SaveSession(ctx context.Context, rdb *redis.Client, token, userID string) error {
        	return rdb.Set(ctx, "session:"+token, userID, 24*time.Hour).Err()
        }
        '''),
]


IN_MEMORY_SESSIONS_GO += [
    case("internal/auth/manager.go", '''
        package auth

        import (
        	"crypto/rand"
        	"encoding/hex"
        	"sync"
        	"time"
        )

        type session struct {
        	userID  string
        	expires time.Time
        }

        type SessionManager struct {
        	mu       sync.RWMutex
        	sessions map[string]session // <<
        }

        func NewSessionManager() *SessionManager {
        	return &SessionManager{sessions: make(map[string]session)}
        }

        func (m *SessionManager) Create(userID string) string {
        	b := make([]byte, 16)
        	_, _ = rand.Read(b)
        	token := hex.EncodeToString(b)
        	m.mu.Lock()
        	m.sessions[token] = session{userID: userID, expires: time.Now().Add(time.Hour)}
        	m.mu.Unlock()
        	return token
        }
        '''),
    case("internal/auth/syncmap.go", '''
        package auth

        import (
        	"sync"

        	"github.com/labstack/echo/v4"
        )

        var activeTokens sync.Map // <<

        func Login(c echo.Context) error {
        	token := c.FormValue("token")
        	activeTokens.Store(token, c.FormValue("user"))
        	return nil
        }
        '''),
    case("internal/ws/hub.go", '''
        package ws

        import "github.com/gorilla/websocket"

        type Hub struct {
        	sessions map[string]*websocket.Conn
        	clients  map[*websocket.Conn]bool
        }

        func (h *Hub) Join(id string, c *websocket.Conn) {
        	h.sessions[id] = c
        	h.clients[c] = true
        }
        '''),
    case("internal/auth/kinds.go", '''
        package auth

        var tokenKinds = map[string]int{}

        func init() {
        	tokenKinds["access"] = 1
        	tokenKinds["refresh"] = 2
        }

        func Kind(name string) int { return tokenKinds[name] }
        '''),
    case("internal/auth/sessions_test.go", '''
        package auth

        import "testing"

        var sessions = map[string]string{}

        func TestLogin(t *testing.T) {
        	sessions["t"] = "u"
        }
        '''),
]


@pytest.mark.parametrize("path,text,expected", IN_MEMORY_SESSIONS_GO)
def test_in_memory_sessions_go(path: str, text: str, expected: set[int]) -> None:
    assert run_on_text(RULES["state.in-memory-sessions"], path, text) == expected


def test_severities_go() -> None:
    path, text, _ = GOROUTINE_LEAK[0]
    (f,) = analyze_file(SourceFile(path, text), {"go.goroutine-leak": RULES["go.goroutine-leak"]},
                        Config()).findings
    assert f.severity == Severity.HIGH
    path, text, _ = SLEEP_IN_HANDLER[0]
    (f,) = analyze_file(SourceFile(path, text), {"go.sleep-in-handler": RULES["go.sleep-in-handler"]},
                        Config()).findings
    assert f.severity == Severity.MEDIUM
