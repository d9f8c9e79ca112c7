package display

import (
	"fmt"
	"html"
	"strings"
	"sync"
	"time"
)

// ProgressInterval is the least time between two updates of a progress
// bar: Add may be called a million times a second, the front end sees
// at most a few updates.
const ProgressInterval = 100 * time.Millisecond

// now is the clock of progress bars (tests replace it).
var now = time.Now

// Progress is a progress bar for a long loop, shown as a display that
// is updated in place:
//
//	p := display.NewProgress(n)
//	for i := 0; i < n; i++ {
//		step(i)
//		p.Add(1)
//	}
//	p.Done()
//
// Updates are throttled to one per ProgressInterval (plus the last one),
// so Add is cheap enough for every iteration. A Progress may be used
// from several goroutines.
type Progress struct {
	mu     sync.Mutex
	id     string
	total  int
	n      int
	label  string
	start  time.Time
	last   time.Time // when the last update was sent
	sentN  int       // n at the last update
	closed bool
}

// NewProgress shows an empty progress bar for total steps and returns
// it. With total ≤ 0 the bar counts steps without a percentage.
func NewProgress(total int) *Progress {
	t := now()
	p := &Progress{id: NewID(), total: total, start: t, last: t}
	ShowID(p.id, p.bundle(t, false))
	return p
}

// SetLabel sets the text shown before the bar, from the next update on
// (it forces that update).
func (p *Progress) SetLabel(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.label = s
	p.last = time.Time{}
}

// Add counts n more steps done. It updates the display when
// ProgressInterval has passed since the last update, or when the count
// reaches the total.
func (p *Progress) Add(n int) { p.advance(n, true) }

// Set sets the number of steps done, updating the display as Add does.
func (p *Progress) Set(n int) { p.advance(n, false) }

func (p *Progress) advance(n int, relative bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	if relative {
		n += p.n
	}
	p.n = n
	t := now()
	reached := p.total > 0 && n >= p.total && p.sentN != n
	if t.Sub(p.last) >= ProgressInterval || reached {
		p.send(t, false)
	}
}

// Done shows the final state of the bar (the steps counted, and the
// time taken). Later calls of Add, Set and Done do nothing.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	p.send(now(), true)
}

// ID is the display id of the bar, for Update.
func (p *Progress) ID() string { return p.id }

// String is the bar as text: [#####     ] 50% 5/10.
func (p *Progress) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.text()
}

// send updates the display; p.mu is held.
func (p *Progress) send(t time.Time, done bool) {
	p.last, p.sentN = t, p.n
	Update(p.id, p.bundle(t, done))
}

// frac is the fraction done, in [0, 1]; 0 without a total.
func (p *Progress) frac() float64 {
	if p.total <= 0 {
		return 0
	}
	f := float64(p.n) / float64(p.total)
	return min(max(f, 0), 1)
}

// text is the text/plain form; p.mu is held.
func (p *Progress) text() string {
	var sb strings.Builder
	if p.label != "" {
		sb.WriteString(p.label + " ")
	}
	if p.total <= 0 {
		fmt.Fprintf(&sb, "%d", p.n)
		return sb.String()
	}
	const width = 20
	k := int(p.frac() * width)
	fmt.Fprintf(&sb, "[%s%s] %3d%% %d/%d", strings.Repeat("#", k), strings.Repeat(" ", width-k),
		int(p.frac()*100), p.n, p.total)
	return sb.String()
}

// bundle renders the bar at time t; p.mu is held (or p is new).
func (p *Progress) bundle(t time.Time, done bool) map[string]any {
	elapsed := t.Sub(p.start)
	timing := "elapsed " + roundDuration(elapsed)
	switch {
	case done:
		timing = "done in " + roundDuration(elapsed)
	case p.total > 0 && p.n > 0 && p.n < p.total:
		left := time.Duration(float64(elapsed) * float64(p.total-p.n) / float64(p.n))
		timing += ", about " + roundDuration(left) + " left"
	}
	var h strings.Builder
	h.WriteString(`<div class="gradbook-progress">`)
	if p.label != "" {
		h.WriteString(html.EscapeString(p.label) + " ")
	}
	if p.total > 0 {
		fmt.Fprintf(&h, `<progress value="%d" max="%d" style="width: 20em"></progress> %d%% (%d/%d)`,
			min(max(p.n, 0), p.total), p.total, int(p.frac()*100), p.n, p.total)
	} else {
		fmt.Fprintf(&h, `<progress style="width: 20em"></progress> %d`, p.n)
	}
	h.WriteString(` <small>` + timing + `</small></div>`)
	return map[string]any{MIMEHTML: h.String(), MIMEText: p.text()}
}

// roundDuration prints d to a precision a reader wants: 850ms, 2.4s, 1m5s.
func roundDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
