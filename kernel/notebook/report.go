package notebook

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// column is one test across the reports of a batch.
type column struct {
	id     string
	points float64
}

// columns lists the tests of reports in order of first appearance, each
// with the most points any report gives it.
func columns(reports []Report) []column {
	var cols []column
	at := map[string]int{}
	for _, r := range reports {
		for _, t := range r.Tests {
			i, ok := at[t.ID]
			if !ok {
				i = len(cols)
				at[t.ID] = i
				cols = append(cols, column{id: t.ID})
			}
			cols[i].points = max(cols[i].points, t.Points)
		}
	}
	return cols
}

// test returns r's test id, if it has one.
func (r *Report) test(id string) (Test, bool) {
	for _, t := range r.Tests {
		if t.ID == id {
			return t, true
		}
	}
	return Test{}, false
}

// Failures returns one line per failed test ("grade_id: why"), or the
// reason the submission could not be graded.
func (r *Report) Failures() []string {
	if r.Error != "" {
		return []string{r.Error}
	}
	var lines []string
	for _, t := range r.Tests {
		if t.Error != "" {
			lines = append(lines, t.ID+": "+t.Error)
		}
	}
	return lines
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// WriteTable writes reports as a table: one row per submission, the
// points earned on each test (a dash when the submission lacks it), the
// total; then, for each submission that lost points, why.
func WriteTable(w io.Writer, reports []Report) error {
	cols := columns(reports)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "submission")
	possible := 0.0
	for _, c := range cols {
		fmt.Fprintf(tw, "\t%s (%s)", c.id, num(c.points))
		possible += c.points
	}
	fmt.Fprintln(tw, "\ttotal")
	for _, r := range reports {
		fmt.Fprint(tw, r.Submission)
		for _, c := range cols {
			if t, ok := r.test(c.id); ok && r.Error == "" {
				fmt.Fprintf(tw, "\t%s", num(t.Earned))
			} else {
				fmt.Fprint(tw, "\t-")
			}
		}
		p := r.Possible
		if r.Error != "" || p == 0 {
			p = possible
		}
		fmt.Fprintf(tw, "\t%s/%s\n", num(r.Earned), num(p))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	first := true
	for _, r := range reports {
		lines := r.Failures()
		if len(lines) == 0 {
			continue
		}
		if first {
			fmt.Fprintln(w, "\nfailures:")
			first = false
		}
		fmt.Fprintf(w, "%s\n", r.Submission)
		for _, l := range lines {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	return nil
}

// WriteCSV writes reports as CSV with a header row: submission, the
// points earned on each test (empty when the submission lacks it), total,
// possible, and the failures joined by "; ".
func WriteCSV(w io.Writer, reports []Report) error {
	cols := columns(reports)
	cw := csv.NewWriter(w)
	head := []string{"submission"}
	for _, c := range cols {
		head = append(head, c.id)
	}
	head = append(head, "total", "possible", "failures")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range reports {
		row := []string{r.Submission}
		for _, c := range cols {
			cell := ""
			if t, ok := r.test(c.id); ok && r.Error == "" {
				cell = num(t.Earned)
			}
			row = append(row, cell)
		}
		row = append(row, num(r.Earned), num(r.Possible), strings.Join(r.Failures(), "; "))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes reports as a JSON array of Report objects.
func WriteJSON(w io.Writer, reports []Report) error {
	if reports == nil {
		reports = []Report{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(reports)
}
