package autodiff

// Checkpoint returns a function that computes the same values as f but, when
// differentiated in reverse mode, stores only f's input and output on the
// tape instead of every intermediate of f, and recomputes f during Backward
// (rematerialization). Splitting a chain of n operations into √n
// checkpointed segments cuts the stored intermediates from O(n) to O(√n) for
// the price of one extra forward pass. Forward mode is unaffected.
func Checkpoint(f Func) Func {
	return func(x *Tensor) *Tensor {
		if x.tape == nil && !x.req {
			return f(x)
		}
		y := f(view(x))
		out := &Tensor{shape: y.shape, id: -1, fwd: y.fwd}
		if len(y.data) == 1 {
			out.one[0] = y.data[0]
			out.data = out.one[:]
		} else {
			out.data = y.data
		}
		record(opCheckpoint, out, x, nil)
		if tp, id := out.resolve(); tp != nil && id >= 0 {
			tp.extOf(tp.at(id)).fn = f
		}
		return out
	}
}

// checkpointStep recomputes a checkpointed segment with recording and
// propagates the adjoint rows g through it to the segment's input.
func (b *bwd) checkpointStep(nd *node, e *nodeExt, g []float64) {
	in := view(e.a)
	in.fwd = nil
	in.req = true
	y := e.fn(in)
	tp, id := y.resolve()
	if tp == nil || nd.pa < 0 {
		return
	}
	inner := tp.reverse(id, g, b.k, b.pol, false)
	if _, xi := in.resolve(); xi >= 0 && inner.touched[xi] {
		axpy(1, inner.adj(xi), b.adj(nd.pa))
	}
	inner.release()
	tp.free()
}

// checkpointOps is checkpointStep with tensor operations, for Hessian.
func checkpointOps(fn Func, a, g *Tensor, pol *Kink) *Tensor {
	in := view(a)
	in.req = true
	y := fn(in)
	tp, id := y.resolve()
	if tp == nil {
		return nil
	}
	grads := tp.gradOps(id, g, pol)
	_, xi := in.resolve()
	return grads[xi]
}

// TapeStats describes the graph recorded behind a tensor: the reverse-mode
// memory that the lecture's O(n) refers to.
type TapeStats struct {
	Nodes  int // recorded operations and inputs
	Floats int // float64 values the nodes keep alive for Backward
}

// TapeStats returns the size of the graph recorded behind t (zero if t was
// not computed from tensors that require grad, or its graph was freed).
func (t *Tensor) TapeStats() TapeStats {
	tp, id := t.resolve()
	if tp == nil || tp.freed || id < 0 {
		return TapeStats{}
	}
	var s TapeStats
	for i := int32(0); i <= id; i++ {
		n := tp.at(i)
		s.Nodes++
		s.Floats += tp.size(n)
	}
	return s
}
