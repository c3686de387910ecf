// Command generator is the chain benchmark's JT/T 808 (2013) terminal fleet: cheap and
// independent of the code under test (Go standard library only), so that its CPU is its own
// and it shares nothing with the gateway's codec.
//
// It reads its terminals from a TSV file (phone, plate as GBK hex, plate colour, speeding
// 0/1, sampled 0/1, latitude, longitude), takes every -workers-th line from -index, opens one
// TCP connection per terminal from several loopback source addresses (127.0.0.2…, past one
// address's ephemeral ports), registers (0x0100 → 0x8100) and authenticates (0x0102 → 0x8001),
// then reports at the rate it is told on stdin: 0x0200, and every -batch-every-th report a
// 0x0704 of -batch-size positions. Each report's 0x8001 is matched by serial for frame→ack.
//
// Device time: a position is dated now − -back-s, but always at least one second after the
// terminal's previous one, so every position has its own natural key (vehicle, device time)
// whatever the rate, and the orchestrator can find a sampled position's row and the report
// that raised an alert. Terminals report in real time's pace while they report at most once a
// second; faster, their clocks run ahead, which -back-s leaves room for (never ahead of now).
//
// stdin commands: "RATE <positions/s>", "MARK" (start of a measurement window: latencies and
// samples restart; answered "MARKED <counters>"), "REPORT" (answered "RESULT <json>" with the
// window's frame→ack percentiles and counters), "SAMPLES" (answered "SAMPLES <json>": phone,
// device time, sent at, of the sampled and speeding terminals' positions since MARK), "QUIT".
// stdout: "READY <authenticated> <failed>", then "STAT <counters>" every second. Counters are
// cumulative: reports sent, positions sent, positions acknowledged, reports skipped (the
// terminal's socket was full), positions refused.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type terminal struct {
	phoneBCD [6]byte
	phone    string
	plateGbk []byte
	colour   byte
	speeding bool
	phase    int64 // where in its 110 s speeding cycle the terminal starts
	sampled  bool
	latDeg   float64
	lonDeg   float64
	conn     net.Conn
	serial   uint16
	reports  int64 // reports sent, decides which is a batch
	lastDevS int64 // device time of the last position, unix seconds
	tokens   chan struct{}
	mu       sync.Mutex
	pending  map[uint16]pendingReport
	replies  chan frame // registration phase answers
	authed   atomic.Bool
	closed   atomic.Bool
}

type pendingReport struct {
	sentAt    time.Time
	positions int
}

type frame struct {
	id     uint16
	serial uint16
	body   []byte
}

var (
	host        = flag.String("host", "127.0.0.1", "gateway host")
	port        = flag.Int("port", 7808, "gateway port")
	file        = flag.String("terminals", "", "TSV file of terminals")
	index       = flag.Int("index", 0, "this process's index")
	workers     = flag.Int("workers", 1, "generator processes")
	sources     = flag.Int("sources", 8, "loopback source addresses (127.0.0.2 …)")
	sourceBase  = flag.Int("source-base", 2, "first source address's last octet")
	batchEvery  = flag.Int("batch-every", 10, "every n-th report is a 0x0704 batch (0 = none)")
	batchSize   = flag.Int("batch-size", 5, "positions per 0x0704")
	backS       = flag.Int64("back-s", 5, "positions are dated this many seconds before now (at least 1 s after the terminal's previous one)")
	concurrency = flag.Int("connect-concurrency", 200, "registrations in flight")

	sentReports   atomic.Int64
	sentPositions atomic.Int64
	ackedPos      atomic.Int64
	skipped       atomic.Int64
	nacked        atomic.Int64

	windowMu   sync.Mutex
	latencies  []float64
	samples    [][3]int64 // phone (as int), device time (s), sent at (unix ms)
	markedAtMs int64

	stdoutMu sync.Mutex
)

// say writes one whole line to stdout: RESULT lines exceed a pipe's atomic write size.
func say(format string, args ...any) {
	stdoutMu.Lock()
	defer stdoutMu.Unlock()
	fmt.Printf(format, args...)
}

func bcd(digits string) [6]byte {
	var out [6]byte
	for i := 0; i < 6; i++ {
		out[i] = (digits[2*i]-'0')<<4 | (digits[2*i+1] - '0')
	}
	return out
}

// encode builds one escaped JT/T 808 2013 frame: header, body, XOR check code, 0x7e delimiters.
func encode(t *terminal, id uint16, serial uint16, body []byte) []byte {
	raw := make([]byte, 0, 12+len(body)+1)
	raw = binary.BigEndian.AppendUint16(raw, id)
	raw = binary.BigEndian.AppendUint16(raw, uint16(len(body))&0x03ff)
	raw = append(raw, t.phoneBCD[:]...)
	raw = binary.BigEndian.AppendUint16(raw, serial)
	raw = append(raw, body...)
	var check byte
	for _, b := range raw {
		check ^= b
	}
	raw = append(raw, check)
	out := make([]byte, 0, len(raw)+8)
	out = append(out, 0x7e)
	for _, b := range raw {
		switch b {
		case 0x7e:
			out = append(out, 0x7d, 0x02)
		case 0x7d:
			out = append(out, 0x7d, 0x01)
		default:
			out = append(out, b)
		}
	}
	return append(out, 0x7e)
}

func bcdByte(v int) byte { return byte((v/10)<<4 | v%10) }

var china = time.FixedZone("GMT+8", 8*3600)

// nextDeviceS is the device time of the terminal's next position.
func (t *terminal) nextDeviceS() int64 {
	t.lastDevS = max(t.lastDevS+1, time.Now().Unix()-*backS)
	return t.lastDevS
}

// location is a 0x0200 body without additional items, dated devS. The terminal stays on its
// road: it creeps 2 m per second north for 110 s, then back, whatever speed it reports.
func location(t *terminal, devS int64) []byte {
	speedKmh := 60.0
	// Speeding terminals drive 45 s at 140 km/h, then 65 s at 60: an episode of more than 30 s
	// (device time) that ends (no over report for 60 s), so every cycle raises a new alert.
	// Their cycles are staggered, so alerts come in every window.
	if t.speeding && (devS+t.phase)%110 < 45 {
		speedKmh = 140
	}
	// Back and forth, never a jump: a jump implying over 160 km/h is drift to the quality rules.
	step := devS % 220
	if step > 110 {
		step = 220 - step
	}
	lat := t.latDeg + float64(step)*0.00002
	deviceTime := time.Unix(devS, 0).In(china)
	body := make([]byte, 0, 28)
	body = binary.BigEndian.AppendUint32(body, 0)    // alarm flags
	body = binary.BigEndian.AppendUint32(body, 0b11) // ACC on, fixed
	body = binary.BigEndian.AppendUint32(body, uint32(lat*1e6))
	body = binary.BigEndian.AppendUint32(body, uint32(t.lonDeg*1e6))
	body = binary.BigEndian.AppendUint16(body, 50) // altitude m
	body = binary.BigEndian.AppendUint16(body, uint16(speedKmh*10))
	body = binary.BigEndian.AppendUint16(body, 0) // heading
	body = append(body, bcdByte(deviceTime.Year()%100), bcdByte(int(deviceTime.Month())), bcdByte(deviceTime.Day()),
		bcdByte(deviceTime.Hour()), bcdByte(deviceTime.Minute()), bcdByte(deviceTime.Second()))
	return body
}

// readFrames splits the stream on 0x7e, unescapes and hands each frame to handle.
func readFrames(r io.Reader, handle func(frame)) error {
	br := bufio.NewReaderSize(r, 4096)
	for {
		if _, err := br.ReadBytes(0x7e); err != nil {
			return err
		}
		chunk, err := br.ReadBytes(0x7e)
		if err != nil {
			return err
		}
		chunk = chunk[:len(chunk)-1]
		if len(chunk) == 0 { // two delimiters back to back: the second opens the frame
			if err := br.UnreadByte(); err != nil {
				return err
			}
			continue
		}
		raw := make([]byte, 0, len(chunk))
		for i := 0; i < len(chunk); i++ {
			if chunk[i] == 0x7d && i+1 < len(chunk) {
				if chunk[i+1] == 0x02 {
					raw = append(raw, 0x7e)
				} else {
					raw = append(raw, 0x7d)
				}
				i++
				continue
			}
			raw = append(raw, chunk[i])
		}
		if len(raw) < 13 {
			continue
		}
		bodyLen := int(binary.BigEndian.Uint16(raw[2:4]) & 0x03ff)
		if 12+bodyLen > len(raw)-1 {
			continue
		}
		handle(frame{id: binary.BigEndian.Uint16(raw[0:2]), serial: binary.BigEndian.Uint16(raw[10:12]), body: raw[12 : 12+bodyLen]})
	}
}

func (t *terminal) nextSerial() uint16 {
	t.serial++
	return t.serial
}

func (t *terminal) await(id uint16, timeout time.Duration) (frame, error) {
	select {
	case f := <-t.replies:
		if f.id != id {
			return f, fmt.Errorf("answer 0x%04x, expected 0x%04x", f.id, id)
		}
		return f, nil
	case <-time.After(timeout):
		return frame{}, errors.New("no answer")
	}
}

func (t *terminal) connectAndAuthenticate(source net.IP) error {
	dialer := net.Dialer{LocalAddr: &net.TCPAddr{IP: source}, Timeout: 30 * time.Second}
	conn, err := dialer.Dial("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		return err
	}
	t.conn = conn
	go func() {
		_ = readFrames(conn, t.onFrame)
		t.closed.Store(true)
	}()
	reg := make([]byte, 0, 64)
	reg = binary.BigEndian.AppendUint16(reg, 11)  // province
	reg = binary.BigEndian.AppendUint16(reg, 100) // city
	reg = append(reg, []byte("RWGEN")...)
	model := make([]byte, 20)
	copy(model, "CHAIN-BENCH")
	reg = append(reg, model...)
	reg = append(reg, []byte(t.phone[5:12])...)
	reg = append(reg, t.colour)
	reg = append(reg, t.plateGbk...)
	if _, err := conn.Write(encode(t, 0x0100, t.nextSerial(), reg)); err != nil {
		return err
	}
	answer, err := t.await(0x8100, 60*time.Second)
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	if len(answer.body) < 3 || answer.body[2] != 0 {
		return fmt.Errorf("registration refused: % x", answer.body)
	}
	if _, err := conn.Write(encode(t, 0x0102, t.nextSerial(), answer.body[3:])); err != nil {
		return err
	}
	ack, err := t.await(0x8001, 60*time.Second)
	if err != nil {
		return fmt.Errorf("authenticate: %w", err)
	}
	if len(ack.body) < 5 || ack.body[4] != 0 {
		return fmt.Errorf("authentication refused: % x", ack.body)
	}
	t.authed.Store(true)
	return nil
}

func (t *terminal) onFrame(f frame) {
	if !t.authed.Load() && (f.id == 0x8100 || f.id == 0x8001) {
		select {
		case t.replies <- f:
		default:
		}
		return
	}
	if f.id != 0x8001 || len(f.body) < 5 {
		return
	}
	replySerial := binary.BigEndian.Uint16(f.body[0:2])
	t.mu.Lock()
	report, ok := t.pending[replySerial]
	delete(t.pending, replySerial)
	t.mu.Unlock()
	if !ok {
		return
	}
	if f.body[4] != 0 {
		nacked.Add(int64(report.positions))
		return
	}
	ackedPos.Add(int64(report.positions))
	latencyMs := float64(time.Since(report.sentAt).Microseconds()) / 1000
	windowMu.Lock()
	if markedAtMs > 0 && report.sentAt.UnixMilli() >= markedAtMs {
		latencies = append(latencies, latencyMs)
	}
	windowMu.Unlock()
}

// report sends one 0x0200 or 0x0704 when the scheduler hands the terminal a token.
func (t *terminal) report() {
	for range t.tokens {
		t.reports++
		serial := t.nextSerial()
		var payload []byte
		var devs []int64
		if *batchEvery > 0 && t.reports%int64(*batchEvery) == 0 {
			body := binary.BigEndian.AppendUint16(nil, uint16(*batchSize))
			body = append(body, 0) // normal batch
			for i := 0; i < *batchSize; i++ {
				devs = append(devs, t.nextDeviceS())
				item := location(t, devs[i])
				body = binary.BigEndian.AppendUint16(body, uint16(len(item)))
				body = append(body, item...)
			}
			payload = encode(t, 0x0704, serial, body)
		} else {
			devs = append(devs, t.nextDeviceS())
			payload = encode(t, 0x0200, serial, location(t, devs[0]))
		}
		count := len(devs)
		sentAt := time.Now()
		t.mu.Lock()
		t.pending[serial] = pendingReport{sentAt: sentAt, positions: count}
		t.mu.Unlock()
		if t.sampled || t.speeding {
			windowMu.Lock()
			if markedAtMs > 0 {
				phone, _ := strconv.ParseInt(t.phone, 10, 64)
				for _, devS := range devs {
					samples = append(samples, [3]int64{phone, devS, sentAt.UnixMilli()})
				}
			}
			windowMu.Unlock()
		}
		if _, err := t.conn.Write(payload); err != nil {
			return
		}
		sentReports.Add(1)
		sentPositions.Add(int64(count))
	}
}

func readTerminals() ([]*terminal, error) {
	data, err := os.ReadFile(*file)
	if err != nil {
		return nil, err
	}
	var out []*terminal
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i%*workers != *index {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 7 || len(f[0]) != 12 {
			return nil, fmt.Errorf("line %d: expected 7 fields with a 12-digit phone", i+1)
		}
		plate, err := hex.DecodeString(f[1])
		if err != nil {
			return nil, fmt.Errorf("line %d: plate: %w", i+1, err)
		}
		colour, _ := strconv.Atoi(f[2])
		lat, _ := strconv.ParseFloat(f[5], 64)
		lon, _ := strconv.ParseFloat(f[6], 64)
		out = append(out, &terminal{
			phoneBCD: bcd(f[0]), phone: f[0], phase: int64(i*7) % 110, reports: int64(i / *workers), plateGbk: plate, colour: byte(colour), speeding: f[3] == "1", sampled: f[4] == "1",
			latDeg: lat, lonDeg: lon, tokens: make(chan struct{}, 4), pending: map[uint16]pendingReport{}, replies: make(chan frame, 4),
		})
	}
	return out, nil
}

// counters: reports sent, positions sent, positions acknowledged, reports skipped, positions refused.
func counters() string {
	return fmt.Sprintf("%d %d %d %d %d", sentReports.Load(), sentPositions.Load(), ackedPos.Load(), skipped.Load(), nacked.Load())
}

func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return -1
	}
	i := int(p / 100 * float64(len(sorted)))
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i]
}

func main() {
	flag.Parse()
	terminals, err := readTerminals()
	if err != nil {
		fmt.Fprintln(os.Stderr, "generator:", err)
		os.Exit(2)
	}
	var authenticated, failed atomic.Int64
	var wg sync.WaitGroup
	gate := make(chan struct{}, *concurrency)
	for i, t := range terminals {
		wg.Add(1)
		gate <- struct{}{}
		go func(i int, t *terminal) {
			defer wg.Done()
			defer func() { <-gate }()
			source := net.IPv4(127, 0, 0, byte(*sourceBase+(i%*sources)))
			if err := t.connectAndAuthenticate(source); err != nil {
				if failed.Add(1) <= 5 {
					fmt.Fprintf(os.Stderr, "generator: terminal %s: %v\n", t.phone, err)
				}
				if t.conn != nil {
					_ = t.conn.Close()
				}
				t.conn = nil
				return
			}
			authenticated.Add(1)
		}(i, t)
	}
	wg.Wait()
	live := terminals[:0]
	for _, t := range terminals {
		if t.conn != nil {
			live = append(live, t)
			go t.report()
		}
	}
	say("READY %d %d\n", authenticated.Load(), failed.Load())

	// Open loop: the scheduler hands out reports at the rate whatever the acks do; a terminal
	// whose socket is blocked (4 reports queued) skips its turn, counted as skipped.
	var ratePerS atomic.Int64
	positionsPerReport := 1.0
	if *batchEvery > 0 {
		positionsPerReport = float64(*batchEvery-1+*batchSize) / float64(*batchEvery)
	}
	go func() {
		const tick = 5 * time.Millisecond
		cursor := 0
		budget := 0.0
		last := time.Now()
		for now := range time.Tick(tick) {
			budget += float64(ratePerS.Load()) / positionsPerReport * now.Sub(last).Seconds()
			last = now
			for ; budget >= 1 && len(live) > 0; budget-- {
				t := live[cursor%len(live)]
				cursor++
				if t.closed.Load() {
					skipped.Add(1)
					continue
				}
				select {
				case t.tokens <- struct{}{}:
				default:
					skipped.Add(1)
				}
			}
		}
	}()
	go func() {
		for range time.Tick(time.Second) {
			say("STAT %s\n", counters())
		}
	}()

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		fields := strings.Fields(in.Text())
		if len(fields) == 0 {
			continue
		}
		switch fields[0] {
		case "RATE":
			if len(fields) == 2 {
				rate, _ := strconv.ParseInt(fields[1], 10, 64)
				ratePerS.Store(rate)
			}
		case "MARK":
			windowMu.Lock()
			latencies, samples, markedAtMs = nil, nil, time.Now().UnixMilli()
			windowMu.Unlock()
			say("MARKED %s\n", counters())
		case "REPORT":
			windowMu.Lock()
			sorted := append([]float64(nil), latencies...)
			result := map[string]any{"acks": len(sorted), "counters": counters()}
			windowMu.Unlock()
			sort.Float64s(sorted)
			result["p50Ms"], result["p99Ms"], result["maxMs"] = percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100)
			encoded, _ := json.Marshal(result)
			say("RESULT %s\n", encoded)
		case "SAMPLES":
			windowMu.Lock()
			encoded, _ := json.Marshal(samples)
			windowMu.Unlock()
			say("SAMPLES %s\n", encoded)
		case "QUIT":
			os.Exit(0)
		}
	}
}
