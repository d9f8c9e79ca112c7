package display

import (
	"strings"
	"testing"
	"time"
)

// fakeClock makes now return t, advanced by step at every call.
func fakeClock(t *testing.T, step time.Duration) {
	t.Helper()
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now = func() time.Time { clock = clock.Add(step); return clock }
	t.Cleanup(func() { now = time.Now })
}

func TestProgressThrottled(t *testing.T) {
	got := capture(t)
	fakeClock(t, time.Microsecond) // a million steps take a second
	const n = 1_000_000
	p := NewProgress(n)
	for i := 0; i < n; i++ {
		p.Add(1)
	}
	p.Done()
	p.Add(1) // ignored after Done
	events := *got
	if len(events) < 5 || len(events) > 15 {
		t.Fatalf("%d events for %d steps over 1s, want about %v apart", len(events), n, ProgressInterval)
	}
	first, last := events[0], events[len(events)-1]
	if first.Kind != KindDisplay || first.DisplayID == "" || first.DisplayID != p.ID() {
		t.Errorf("first event %+v, want a display with the bar's id", first)
	}
	for _, e := range events[1:] {
		if e.Kind != KindUpdate || e.DisplayID != first.DisplayID {
			t.Fatalf("event %+v, want updates of %s", e, first.DisplayID)
		}
	}
	if txt := last.Data[MIMEText]; txt != "[####################] 100% 1000000/1000000" {
		t.Errorf("last text %q", txt)
	}
	if h := last.Data[MIMEHTML].(string); !strings.Contains(h, `<progress value="1000000" max="1000000"`) || !strings.Contains(h, "done in 1s") {
		t.Errorf("last html %q", h)
	}
}

func TestProgressReachesTotal(t *testing.T) {
	got := capture(t)
	fakeClock(t, 0) // no time passes: only reaching the total updates
	p := NewProgress(3)
	p.SetLabel("epochs")
	p.Set(3)
	p.Set(3)
	if len(*got) != 2 || (*got)[1].Data[MIMEText] != "epochs [####################] 100% 3/3" {
		t.Fatalf("events %+v", *got)
	}
	if s := p.String(); s != "epochs [####################] 100% 3/3" {
		t.Errorf("String() = %q", s)
	}
}

func TestProgressNoTotal(t *testing.T) {
	got := capture(t)
	fakeClock(t, time.Second)
	p := NewProgress(0)
	p.Add(7)
	p.Done()
	e := (*got)[len(*got)-1]
	if e.Data[MIMEText] != "7" || !strings.Contains(e.Data[MIMEHTML].(string), "<progress style") {
		t.Errorf("event %+v", e)
	}
}

func TestProgressETA(t *testing.T) {
	got := capture(t)
	fakeClock(t, time.Second)
	p := NewProgress(4)
	p.Add(1) // one tick (1 s) after NewProgress: 1 step took 1 s, 3 are left
	h := (*got)[len(*got)-1].Data[MIMEHTML].(string)
	if !strings.Contains(h, "elapsed 1s, about 3s left") {
		t.Errorf("html %q", h)
	}
}

func TestRoundDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		850400 * time.Microsecond: "850ms",
		2440 * time.Millisecond:   "2.4s",
		65400 * time.Millisecond:  "1m5s",
	} {
		if got := roundDuration(d); got != want {
			t.Errorf("roundDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
