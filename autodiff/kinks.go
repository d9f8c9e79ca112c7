package autodiff

import (
	"fmt"
	"math"
)

// Kink chooses which element of the subdifferential Abs, ReLU and Max use
// where they are not differentiable. It is an Option of Backward, Grad,
// Jacobian, JVP, VJP, Hessian and Derivative.
//
//	Abs:  the value of ∂|x| at x = 0, in [−1, 1]      (default 0, as PyTorch)
//	ReLU: the value of ∂max(x,0) at x = 0, in [0, 1]  (default 0, as PyTorch's relu)
//	Max:  the share t of a tie max(a,b), a = b, that goes to a, in [0, 1];
//	      b gets 1−t                                  (default ½, as PyTorch, JAX)
//
// Using a value outside these sets is not a subgradient: the option panics.
//
// A Kink value sets all three: a field left out of a literal is 0, not its
// default (Kink{ReLU: 1} gives Max 0, every tie to the second operand). To
// change one, start from DefaultKink:
//
//	k := ad.DefaultKink
//	k.ReLU = 1
type Kink struct {
	Abs  float64 // ∂|x| at 0, in [−1, 1]
	ReLU float64 // ∂relu at 0, in [0, 1]
	Max  float64 // share of a tie given to the first operand, in [0, 1]
}

// DefaultKink is the policy used when no Kink option is given: the
// minimum-norm subgradient, 0 for Abs and ReLU, and an even split for Max.
var DefaultKink = Kink{Abs: 0, ReLU: 0, Max: 0.5}

func (k Kink) apply(c *config) {
	if k.Abs < -1 || k.Abs > 1 || k.ReLU < 0 || k.ReLU > 1 || k.Max < 0 || k.Max > 1 ||
		math.IsNaN(k.Abs+k.ReLU+k.Max) {
		panic(fmt.Sprintf("autodiff: %v is not a subgradient: Abs must be in [-1, 1], ReLU and Max in [0, 1]", k))
	}
	c.kink = k
}

// String returns the policy as "Kink{Abs: 0, ReLU: 0, Max: 0.5}".
func (k Kink) String() string {
	return fmt.Sprintf("Kink{Abs: %g, ReLU: %g, Max: %g}", k.Abs, k.ReLU, k.Max)
}

// Interval is the closed interval [Lo, Hi]; a subdifferential of a function
// of one variable.
type Interval struct {
	Lo, Hi float64
}

// String returns the interval as "[-1, 1]", or "{v}" when Lo = Hi.
func (iv Interval) String() string {
	if iv.Lo == iv.Hi {
		return fmt.Sprintf("{%g}", iv.Lo)
	}
	return fmt.Sprintf("[%g, %g]", iv.Lo, iv.Hi)
}

// Contains reports whether v lies in the interval.
func (iv Interval) Contains(v float64) bool { return iv.Lo <= v && v <= iv.Hi }

// KinkHit is the notice that an evaluation of Abs, ReLU or Max landed exactly
// on a kink, where the derivative is a set and one element of it was used.
type KinkHit struct {
	Op    string   // "Abs", "ReLU" or "Max"
	Index int      // element index within the operand
	At    float64  // the operand value there
	Set   Interval // the subdifferential (for Max: the share of the first operand)
	Used  float64  // the element of Set the derivative used
}

// String returns the notice in one sentence.
func (h KinkHit) String() string {
	switch h.Op {
	case "Abs":
		return fmt.Sprintf("kink: Abs at element %d, x = 0: ∂|x| = %v, used %g", h.Index, h.Set, h.Used)
	case "ReLU":
		return fmt.Sprintf("kink: ReLU at element %d, x = 0: ∂max(x,0) = %v, used %g", h.Index, h.Set, h.Used)
	}
	return fmt.Sprintf("kink: Max tie at element %d, a = b = %g: any split (t, 1−t) with t ∈ %v, used t = %g",
		h.Index, h.At, h.Set, h.Used)
}

// maxKinkNotes caps the notices kept for one computation.
const maxKinkNotes = 32

// noteKinks records, on the tape and in the forward-mode context of out, the
// elements where Abs, ReLU or Max was evaluated at its kink.
func noteKinks(op opcode, out, a, b *Tensor) {
	var hits []KinkHit
	switch op {
	case opAbs, opReLU:
		set := Interval{-1, 1}
		if op == opReLU {
			set = Interval{0, 1}
		}
		for i, v := range a.data {
			if v == 0 && len(hits) < maxKinkNotes {
				hits = append(hits, KinkHit{Op: op.String(), Index: i, At: 0, Set: set})
			}
		}
	case opMax:
		n := len(out.data)
		for i := 0; i < n && len(hits) < maxKinkNotes; i++ {
			x, y := a.data[0], b.data[0]
			if len(a.data) > 1 {
				x = a.data[i]
			}
			if len(b.data) > 1 {
				y = b.data[i]
			}
			if x == y {
				hits = append(hits, KinkHit{Op: "Max", Index: i, At: x, Set: Interval{0, 1}})
			}
		}
	}
	if len(hits) == 0 {
		return
	}
	if tp, _ := out.resolve(); tp != nil && !tp.freed && len(tp.kinks) < maxKinkNotes {
		tp.kinks = append(tp.kinks, hits...)
	}
	if out.fwd != nil && len(out.fwd.ctx.hits) < maxKinkNotes {
		out.fwd.ctx.hits = append(out.fwd.ctx.hits, hits...)
	}
}

// withKinks attaches the kink notices, with the value used under pol, to a
// result tensor and returns it.
func withKinks(res *Tensor, hits []KinkHit, pol Kink) *Tensor {
	if len(hits) == 0 {
		return res
	}
	notes := make([]KinkHit, len(hits))
	for i, h := range hits {
		switch h.Op {
		case "Abs":
			h.Used = pol.Abs
		case "ReLU":
			h.Used = pol.ReLU
		default:
			h.Used = pol.Max
		}
		notes[i] = h
	}
	res.ensureMeta().kinks = notes
	return res
}

// Subdifferential returns the set of derivatives of the scalar function f at
// x: the interval between its one-sided derivatives f′(x−) and f′(x+),
// computed exactly with forward mode along the directions −1 and +1 (at a
// kink, Abs, ReLU and Max propagate the directional derivative: |v|,
// max(v,0), max(va,vb)). Where f is differentiable the interval is the single
// value f′(x). For |x| at 0 it is [−1, 1]; for ReLU(x) − ReLU(−x), which is x,
// it is {1}, although every framework's default subgradient there gives 0.
func Subdifferential(f Func, x float64) Interval {
	right := directional(f, x, 1)
	left := -directional(f, x, -1)
	if left > right {
		left, right = right, left
	}
	if left == 0 {
		left = 0 // not −0: ReLU's left derivative is −max(−1, 0)
	}
	return Interval{left, right}
}

// directional returns the one-sided directional derivative f′(x; v).
func directional(f Func, x, v float64) float64 {
	xx := Scalar(x)
	xx.fwd = &fwdState{tan: []float64{v}, k: 1, ctx: &fwdCtx{pol: DefaultKink, directional: true}}
	y := f(xx)
	if len(y.data) != 1 {
		panic(fmt.Sprintf("autodiff: Subdifferential needs a scalar function, f returned shape %s", FormatShape(y.shape)))
	}
	if y.fwd == nil {
		return 0
	}
	return y.fwd.tan[0]
}
