package autodiff

import (
	"errors"
	"fmt"
	"math"
	"sync"

	gemmpkg "github.com/gradbook/gradbook/autodiff/internal/gemm"
)

// Errors returned (or raised by Backward) for misuse of reverse mode. Test
// them with errors.Is.
var (
	// ErrNotScalar: Backward needs a one-element output.
	ErrNotScalar = errors.New("autodiff: Backward from a non-scalar")
	// ErrFreed: the graph was already used by a Backward and then freed.
	ErrFreed = errors.New("autodiff: graph already freed")
	// ErrNoGraph: the tensor does not depend on anything that requires grad.
	ErrNoGraph = errors.New("autodiff: no graph to differentiate")
)

// tape is the flat record of a forward pass: nodes in the order they were
// computed, which is a topological order, with small integer links to the
// nodes of their inputs.
//
// The nodes hold no pointers, so the garbage collector never scans them
// however long the tape grows: a one-element elementwise operation keeps
// the values its derivative needs inline, and only the other nodes (leaves,
// tensor operations, checkpoints, and every node of a Trace) refer to
// their tensors, through a side table.
type tape struct {
	chunks  [][]node  // chunks of chunkSize nodes (the first may be shorter): growing never copies nodes
	ext     []nodeExt // the tensors of the nodes that are not inline
	n       int32     // number of nodes
	nonUnit int32     // number of nodes with more than one element
	freed   bool
	keep    bool  // record every node with its tensors (for Trace)
	fwd     *tape // set when merged into another tape
	off     int32 // index shift into fwd
	kinks   []KinkHit
	slab    []Tensor // preallocated one-element results, slab[used:] still free
	used    int
}

// newOut returns a zeroed result tensor of the given shape for an op on a
// and b. One-element results of recorded ops come from their tape's slab,
// which saves an allocation per node on scalar graphs.
func newOut(shape []int, a, b *Tensor) *Tensor {
	if len(shape) == 0 {
		tp := a.tape
		if tp == nil && b != nil {
			tp = b.tape
		}
		if tp != nil && tp.fwd == nil && !tp.freed {
			if tp.used == len(tp.slab) {
				tp.slab, tp.used = make([]Tensor, slabSize), 0
			}
			t := &tp.slab[tp.used]
			tp.used++
			t.id = -1
			t.data = t.one[:]
			return t
		}
	}
	return newTensor(shape)
}

const slabSize = 256

// node is one recorded operation: out = op(a, b), 32 bytes. An inline node
// (ext < 0) is a one-element elementwise operation on one-element operands
// without tangents or names; it stores the two values its derivative rule
// needs (see xyz). The other nodes find their tensors at tape.ext[ext].
type node struct {
	v0, v1 float64 // inline nodes: a and b for a binary op, a and out for a unary one
	pa, pb int32   // tape indices of a and b, −1 for a constant or none
	ext    int32   // index into tape.ext, −1 for an inline node
	op     opcode
	flags  uint8 // leafA, leafB
}

// xyz returns the operand values x, y (0 for a unary op) and the result z
// of an inline node. Only Pow's rule needs the result of a binary op; it is
// recomputed, which gives the same number as the forward pass.
func (nd *node) xyz() (x, y, z float64) {
	if !nd.op.binary() {
		return nd.v0, 0, nd.v1
	}
	x, y = nd.v0, nd.v1
	if nd.op == opPow {
		z = pow(x, y)
	}
	return x, y, z
}

// partials returns the local derivatives of an inline node with respect to
// its operands (db = 0 for a unary op): localAt's values, with the most
// common rules written out to save the calls.
func (nd *node) partials(pol *Kink) (da, db float64) {
	switch nd.op {
	case opSin:
		return math.Cos(nd.v0), 0
	case opMul:
		return nd.v1, nd.v0
	case opAdd:
		return 1, 1
	}
	x, y, z := nd.xyz()
	da = localAt(nd.op, 0, x, y, z, pol)
	if nd.op.binary() {
		db = localAt(nd.op, 1, x, y, z, pol)
	}
	return da, db
}

// size returns the number of elements of node nd's result.
func (tp *tape) size(nd *node) int {
	if nd.ext < 0 {
		return 1
	}
	return tp.ext[nd.ext].size
}

// Node flags: the operand is a leaf, whose adjoint Backward adds into its
// Grad.
const (
	leafA = 1 << iota
	leafB
)

// nodeExt holds the tensors of a node that is not inline.
type nodeExt struct {
	a, b, out *Tensor // operands (values used by the derivative rules) and result
	fn        Func    // the function of a Checkpoint node
	lo        int     // flat offset of a Slice or Pad node
	size      int     // number of elements of out
}

const (
	chunkBits = 12
	chunkSize = 1 << chunkBits
)

// at returns node i.
func (tp *tape) at(i int32) *node {
	return &tp.chunks[i>>chunkBits][i&(chunkSize-1)]
}

// extOf returns the tensors of node nd, which must not be inline.
func (tp *tape) extOf(nd *node) *nodeExt { return &tp.ext[nd.ext] }

// operands returns the operand and result tensors of node nd: the recorded
// ones, or for an inline node one-element tensors holding its values.
func (tp *tape) operands(nd *node) (a, b, out *Tensor) {
	if nd.ext >= 0 {
		e := tp.extOf(nd)
		return e.a, e.b, e.out
	}
	x, y, z := nd.xyz()
	a = Scalar(x)
	if nd.op.binary() {
		b = Scalar(y)
		z = apply2(nd.op, x, y)
	}
	return a, b, Scalar(z)
}

// push appends an inline node and returns its index.
func (tp *tape) push(n node) int32 {
	i := tp.n
	c, j := int(i>>chunkBits), int(i&(chunkSize-1))
	if c == len(tp.chunks) {
		size := chunkSize
		if i == 0 {
			size = 16 // small graphs stay small
		}
		tp.chunks = append(tp.chunks, make([]node, size))
	} else if j == len(tp.chunks[c]) {
		// Only the first chunk starts small; grow it to full size.
		nc := make([]node, chunkSize)
		copy(nc, tp.chunks[c])
		tp.chunks[c] = nc
	}
	tp.chunks[c][j] = n
	tp.n++
	return i
}

// pushExt appends a node that refers to its tensors through e, which gives
// its size, and returns its index.
func (tp *tape) pushExt(n node, e nodeExt) int32 {
	n.ext = int32(len(tp.ext))
	tp.ext = append(tp.ext, e)
	if e.size != 1 {
		tp.nonUnit++
	}
	return tp.push(n)
}

// free releases the nodes after a Backward: the graph cannot be walked again.
func (tp *tape) free() {
	tp.freed = true
	tp.chunks, tp.ext, tp.n, tp.nonUnit = nil, nil, 0, 0
}

// resolve returns the live tape and index of t's node, following merges.
func (t *Tensor) resolve() (*tape, int32) {
	tp, id := t.tape, t.id
	if tp == nil {
		return nil, -1
	}
	if tp.fwd != nil {
		for tp.fwd != nil {
			id += tp.off
			tp = tp.fwd
		}
		t.tape, t.id = tp, id
	}
	return tp, id
}

// RequiresGrad marks t as an input whose gradient Backward computes (a leaf
// of the graph) and returns t. Operations on t are recorded from then on.
// It panics if t is itself the result of recorded operations.
func (t *Tensor) RequiresGrad() *Tensor {
	if t.tape != nil && !t.req {
		panic("autodiff: RequiresGrad on a computed tensor: call it on the inputs, or use Detach().RequiresGrad() to start a new graph here")
	}
	t.req = true
	return t
}

// IsRecorded reports whether t requires grad or was computed from a tensor
// that does, so that Backward can run from it.
func (t *Tensor) IsRecorded() bool { return t.req || t.tape != nil }

// Grad returns the gradient accumulated in t by Backward calls, with t's
// shape, or nil if no Backward reached t yet.
func (t *Tensor) Grad() *Tensor {
	if t.meta == nil {
		return nil
	}
	return t.meta.grad
}

// ZeroGrad resets the accumulated gradient to zeros and returns t. Call it
// between Backward calls that should not add up.
func (t *Tensor) ZeroGrad() *Tensor {
	if g := t.Grad(); g != nil {
		clear(g.data)
	}
	return t
}

// pickTape returns the tape on which an op on a and b is recorded,
// registering leaves and merging tapes when the operands come from
// different graphs. It returns nil when the result belongs to a freed graph.
func pickTape(a, b *Tensor) *tape {
	var tp *tape
	for _, x := range [2]*Tensor{a, b} {
		if x == nil || x.req {
			continue
		}
		xt, _ := x.resolve()
		if xt == nil {
			continue
		}
		if xt.freed {
			return nil
		}
		if tp == nil {
			tp = xt
		} else if tp != xt {
			tp = merge(tp, xt)
		}
	}
	for _, x := range [2]*Tensor{a, b} {
		if x == nil || !x.req {
			continue
		}
		xt, _ := x.resolve()
		if xt != nil && !xt.freed {
			if tp == nil {
				tp = xt
			} else if tp != xt {
				tp = merge(tp, xt)
			}
		}
	}
	if tp == nil {
		tp = &tape{}
	}
	return tp
}

// merge appends src's nodes to dst, redirects src to dst and returns dst.
func merge(dst, src *tape) *tape {
	off := dst.n
	for i := int32(0); i < src.n; i++ {
		n := *src.at(i)
		if n.pa >= 0 {
			n.pa += off
		}
		if n.pb >= 0 {
			n.pb += off
		}
		if n.ext >= 0 {
			dst.pushExt(n, src.ext[n.ext])
		} else {
			dst.push(n)
		}
	}
	dst.keep = dst.keep || src.keep
	dst.kinks = append(dst.kinks, src.kinks...)
	src.chunks, src.ext, src.n, src.nonUnit, src.kinks = nil, nil, 0, 0, nil
	src.fwd, src.off = dst, off
	return dst
}

// ref returns x's node index on tp, registering x as a leaf if needed, or −1
// for a constant.
func (tp *tape) ref(x *Tensor) int32 {
	if x == nil {
		return -1
	}
	xt, id := x.resolve()
	if xt == tp {
		return id
	}
	if !x.req {
		return -1
	}
	x.tape, x.id = tp, tp.pushExt(node{op: opLeaf, pa: -1, pb: -1}, nodeExt{out: x, size: len(x.data)})
	return x.id
}

// liveTape returns the tape an op on a and b is recorded on when that needs
// no registration or merge: one operand is on a live tape and the other is
// on the same tape or a constant. It returns nil otherwise.
func liveTape(a, b *Tensor) *tape {
	tp := a.tape
	if tp == nil && b != nil {
		tp = b.tape
	}
	if tp == nil || tp.fwd != nil || tp.freed {
		return nil
	}
	if a.tape != tp && (a.tape != nil || a.req) {
		return nil
	}
	if b != nil && b.tape != tp && (b.tape != nil || b.req) {
		return nil
	}
	return tp
}

// inline reports whether out = op(a, b) can be recorded as an inline node.
func inline(tp *tape, op opcode, out, a, b *Tensor) bool {
	if tp.keep || !op.elementwise() || len(out.shape) != 0 || len(a.shape) != 0 || a.fwd != nil || a.Name() != "" {
		return false
	}
	return b == nil || (len(b.shape) == 0 && b.fwd == nil && b.Name() == "")
}

// record appends out = op(a, b) to the tape of its operands.
func record(op opcode, out, a, b *Tensor) {
	tp := liveTape(a, b)
	if tp == nil {
		tp = pickTape(a, b)
		if tp == nil {
			// An operand's graph was freed: the result cannot be differentiated.
			out.tape, out.id = freedTape, -1
			return
		}
	}
	if a.keep || (b != nil && b.keep) {
		tp.keep = true
	}
	n := node{op: op, pa: tp.ref(a), pb: tp.ref(b), ext: -1}
	if a.req {
		n.flags |= leafA
	}
	if b != nil && b.req {
		n.flags |= leafB
	}
	out.tape = tp
	if inline(tp, op, out, a, b) {
		n.v0, n.v1 = a.data[0], out.data[0]
		if b != nil {
			n.v1 = b.data[0]
		}
		out.id = tp.push(n)
		return
	}
	out.id = tp.pushExt(n, nodeExt{a: a, b: b, out: out, size: len(out.data)})
}

// upgrade gives t's inline node a side-table entry that refers to t, so
// that a name given to t after it was recorded reaches a Trace.
func (t *Tensor) upgrade() {
	tp, id := t.resolve()
	if tp == nil || tp.freed || id < 0 || tp.at(id).ext >= 0 {
		return
	}
	nd := tp.at(id)
	a, b, _ := tp.operands(nd)
	nd.ext = int32(len(tp.ext))
	tp.ext = append(tp.ext, nodeExt{a: a, b: b, out: t, size: 1})
}

// freedTape marks results computed from a freed graph.
var freedTape = &tape{freed: true}

// Backward computes the gradient of t, a one-element tensor, with respect
// to every tensor that requires grad and t depends on, and adds it to their
// Grad (gradients accumulate: call ZeroGrad to reset). The graph is freed
// afterwards. Options (Kink) choose the subgradient at kinks.
//
// Backward panics with an error wrapping ErrNotScalar if t has more than one
// element, ErrFreed if its graph was already used by a Backward, and
// ErrNoGraph if t depends on nothing that requires grad. TryBackward returns
// these errors instead.
func (t *Tensor) Backward(opts ...Option) {
	if err := t.TryBackward(opts...); err != nil {
		panic(err)
	}
}

// TryBackward is Backward returning its error instead of panicking.
func (t *Tensor) TryBackward(opts ...Option) error {
	tp, id, err := t.graph("Backward")
	if err != nil {
		return err
	}
	cfg := newConfig(opts)
	b := tp.reverse(id, []float64{1}, 1, &cfg.kink, true)
	b.release()
	tp.free()
	return nil
}

// graph checks that t is a one-element output with a live graph.
func (t *Tensor) graph(what string) (*tape, int32, error) {
	if len(t.data) != 1 {
		return nil, 0, fmt.Errorf("%w: %s needs a scalar output, and this one has shape %s.\n"+
			"The derivative of a vector or matrix output is a Jacobian, not a gradient: reverse mode computes "+
			"one vector–Jacobian product vᵀJ per pass. Use Sum(y).Backward() for v = 1 (PyTorch's "+
			"y.backward(ones)), VJP(f, x, v) for another v, or Jacobian(f, x) for all of J", ErrNotScalar, what, FormatShape(t.shape))
	}
	tp, id := t.resolve()
	if tp == nil && t.req {
		// d t / d t = 1 for a leaf used directly.
		tp = &tape{}
		id = tp.ref(t)
	}
	if tp == nil {
		return nil, 0, fmt.Errorf("%w: %s: this value does not depend on any tensor that requires grad; "+
			"call RequiresGrad() on the inputs before computing with them", ErrNoGraph, what)
	}
	if tp.freed || id < 0 {
		return nil, 0, fmt.Errorf("%w: %s: an earlier Backward walked this graph and freed its stored "+
			"intermediate values. Recompute the forward pass (call f again) before the next Backward; "+
			"note that gradients add up in Grad(), so call ZeroGrad() first unless you want the sum", ErrFreed, what)
	}
	return tp, id, nil
}

// bwd holds the adjoints of one reverse pass: k rows per node (one per seed).
type bwd struct {
	tp      *tape
	k       int
	pol     *Kink
	accum   bool // leaves add into their Grad
	unit    bool // every node has one element: node i's rows start at i·k
	off     []int
	touched []bool
	arena   []float64
}

var bwdPool sync.Pool

// start returns the offset of node i's adjoint rows in the arena.
func (b *bwd) start(i int32) int {
	if b.unit {
		return int(i) * b.k
	}
	return b.off[i]
}

// adj returns the adjoint rows of node i, zeroing them on first use.
func (b *bwd) adj(i int32) []float64 {
	n := b.tp.at(i)
	if b.accum && n.op == opLeaf {
		x := b.tp.extOf(n).out
		if !b.touched[i] {
			b.touched[i] = true
			if m := x.ensureMeta(); m.grad == nil {
				m.grad = newTensor(x.shape)
			}
		}
		return x.meta.grad.data
	}
	o := b.start(i)
	s := b.arena[o : o+b.k*b.tp.size(n)]
	if !b.touched[i] {
		b.touched[i] = true
		clear(s)
	}
	return s
}

// adjFresh is adj for a caller that sets every element of the rows when
// fresh is reported: it returns the adjoint rows of node i and whether
// this is their first use in the arena, left uncleared (garbage), so that
// the caller must set them rather than add to them. A leaf's Grad is
// never fresh: it is either accumulated into or new and zero already.
func (b *bwd) adjFresh(i int32) (s []float64, fresh bool) {
	n := b.tp.at(i)
	if b.touched[i] || b.accum && n.op == opLeaf {
		return b.adj(i), false
	}
	b.touched[i] = true
	o := b.start(i)
	return b.arena[o : o+b.k*b.tp.size(n)], true
}

// release returns the buffers to the pool.
func (b *bwd) release() {
	b.tp = nil
	bwdPool.Put(b)
}

// reverse runs the reverse sweep from node root with k seed rows (seed has
// k·size(root) values) and returns the adjoints. When accum is set, leaf
// adjoints are added into the leaves' Grad.
func (tp *tape) reverse(root int32, seed []float64, k int, pol *Kink, accum bool) *bwd {
	n := int(root) + 1
	b, _ := bwdPool.Get().(*bwd)
	if b == nil {
		b = &bwd{}
	}
	b.tp, b.k, b.pol, b.accum = tp, k, pol, accum
	b.unit = tp.nonUnit == 0
	if cap(b.touched) < n {
		b.touched = make([]bool, n)
	}
	b.touched = b.touched[:n]
	clear(b.touched)
	total := k * n
	if !b.unit {
		if cap(b.off) < n {
			b.off = make([]int, n)
		}
		b.off = b.off[:n]
		total = 0
		for i := 0; i < n; i++ {
			b.off[i] = total
			total += k * tp.size(tp.at(int32(i)))
		}
	}
	if cap(b.arena) < total {
		b.arena = make([]float64, total)
	}
	b.arena = b.arena[:total]
	axpy(1, seed, b.adj(root))
	if b.unit && k == 1 {
		b.sweepUnit(root)
		return b
	}
	for i := root; i >= 0; i-- {
		if b.touched[i] {
			b.step(i)
		}
	}
	return b
}

// sweepUnit is the reverse sweep over a tape of one-element nodes with one
// seed row, where node i's adjoint is arena[i]: one tight loop over the
// nodes, the inline ones handled without a call.
func (b *bwd) sweepUnit(root int32) {
	tp, ar, touched, pol := b.tp, b.arena, b.touched, b.pol
	for c := int(root >> chunkBits); c >= 0; c-- {
		chunk := tp.chunks[c]
		base := int32(c << chunkBits)
		j := chunkSize - 1 // the chunks before root's are full
		if c == int(root>>chunkBits) {
			j = int(root - base)
		}
		for ; j >= 0; j-- {
			i := base + int32(j)
			if !touched[i] {
				continue
			}
			nd := &chunk[j]
			if nd.ext >= 0 {
				if nd.op != opLeaf {
					b.step(i)
				}
				continue
			}
			g := ar[i]
			da, db := nd.partials(pol)
			if nd.pa >= 0 {
				b.addUnit(nd.pa, nd.flags&leafA != 0, chainMul(g, da))
			}
			if nd.pb >= 0 {
				b.addUnit(nd.pb, nd.flags&leafB != 0, chainMul(g, db))
			}
		}
	}
}

// addUnit adds v to the adjoint of node p during sweepUnit; leaf says
// whether p is a leaf, whose adjoint may go to its Grad.
func (b *bwd) addUnit(p int32, leaf bool, v float64) {
	if leaf && b.accum {
		b.adj(p)[0] += v
		return
	}
	if !b.touched[p] {
		b.touched[p] = true
		b.arena[p] = 0
	}
	b.arena[p] += v
}

// step propagates node i's adjoint to its operands.
func (b *bwd) step(i int32) {
	nd := b.tp.at(i)
	if nd.op == opLeaf {
		return
	}
	g := b.adj(i)
	k := b.k
	if nd.ext < 0 {
		// An inline node: one-element operands and result.
		x, y, z := nd.xyz()
		for arg, p := range [2]int32{nd.pa, nd.pb} {
			if p < 0 {
				continue
			}
			local := localAt(nd.op, arg, x, y, z, b.pol)
			dst := b.adj(p)
			for d := 0; d < k; d++ {
				dst[d] += chainMul(g[d], local)
			}
		}
		return
	}
	e := b.tp.extOf(nd)
	out := e.out
	n := len(out.data)
	if nd.op.elementwise() {
		if n == 1 && k == 1 {
			// Scalar fast path.
			x, y := e.a.data[0], 0.0
			if e.b != nil {
				y = e.b.data[0]
			}
			if nd.pa >= 0 {
				b.adj(nd.pa)[0] += chainMul(g[0], localAt(nd.op, 0, x, y, out.data[0], b.pol))
			}
			if nd.pb >= 0 {
				b.adj(nd.pb)[0] += chainMul(g[0], localAt(nd.op, 1, x, y, out.data[0], b.pol))
			}
			return
		}
		for arg, p := range [2]int32{nd.pa, nd.pb} {
			if p < 0 {
				continue
			}
			dst := b.adj(p)
			ad := e.a.data
			var bd []float64
			if e.b != nil {
				bd = e.b.data
			}
			ba, bb := len(ad) != 1, len(bd) > 1
			sa := len(dst) / k
			for d := 0; d < k; d++ {
				gd := g[d*n : d*n+n]
				dd := dst[d*sa : d*sa+sa]
				s := 0.0
				for j, gv := range gd {
					x, y := ad[0], 0.0
					if ba {
						x = ad[j]
					}
					if bd != nil {
						y = bd[0]
						if bb {
							y = bd[j]
						}
					}
					v := 0.0
					if gv != 0 {
						v = chainMul(gv, localAt(nd.op, arg, x, y, out.data[j], b.pol))
					}
					if sa == 1 {
						s += v
					} else {
						dd[j] += v
					}
				}
				if sa == 1 {
					dd[0] += s
				}
			}
		}
		return
	}
	switch nd.op {
	case opSum:
		dst := b.adj(nd.pa)
		sa := len(e.a.data)
		for d := 0; d < k; d++ {
			gd := g[d]
			for j := range dst[d*sa : d*sa+sa] {
				dst[d*sa+j] += gd
			}
		}
	case opNorm2Sq:
		dst := b.adj(nd.pa)
		sa := len(e.a.data)
		for d := 0; d < k; d++ {
			axpy(2*g[d], e.a.data, dst[d*sa:d*sa+sa])
		}
	case opDot:
		sa := len(e.a.data)
		if nd.pa >= 0 {
			dst := b.adj(nd.pa)
			for d := 0; d < k; d++ {
				axpy(g[d], e.b.data, dst[d*sa:d*sa+sa])
			}
		}
		if nd.pb >= 0 {
			dst := b.adj(nd.pb)
			for d := 0; d < k; d++ {
				axpy(g[d], e.a.data, dst[d*sa:d*sa+sa])
			}
		}
	case opReshape:
		axpy(1, g, b.adj(nd.pa))
	case opTranspose:
		dst := b.adj(nd.pa)
		if len(e.a.shape) < 2 {
			axpy(1, g, dst)
			break
		}
		tmp := make([]float64, n)
		for d := 0; d < k; d++ {
			permuteRev(tmp, g[d*n:d*n+n], out.shape)
			axpy(1, tmp, dst[d*n:d*n+n])
		}
	case opSlice:
		dst := b.adj(nd.pa)
		sa := len(e.a.data)
		for d := 0; d < k; d++ {
			axpy(1, g[d*n:d*n+n], dst[d*sa+e.lo:])
		}
	case opPad:
		dst := b.adj(nd.pa)
		sa := len(e.a.data)
		for d := 0; d < k; d++ {
			axpy(1, g[d*n+e.lo:d*n+e.lo+sa], dst[d*sa:d*sa+sa])
		}
	case opMatMul:
		b.matmulStep(nd, e, g)
	case opCheckpoint:
		b.checkpointStep(nd, e, g)
	default:
		panic("autodiff: internal: no reverse rule for " + nd.op.String())
	}
}

// chainMul is the product of an adjoint or tangent with a local derivative
// in the chain rule of an elementwise op, where a zero factor is a
// structural zero: 0·∞ = 0, not NaN. This keeps forward and reverse mode
// equal, and ∂√x₂/∂x₁ = 0 even where √x₁ has an infinite slope.
func chainMul(g, local float64) float64 {
	if g == 0 || local == 0 {
		return 0
	}
	return g * local
}

// matmulStep propagates the adjoint G of C = A·B (m×p)(p×q):
//
//	Ā += G Bᵀ,  B̄ += Aᵀ G
func (b *bwd) matmulStep(nd *node, e *nodeExt, g []float64) {
	m, p, q, _ := mmDims(e.a, e.b)
	k := b.k
	A, B := e.a.data, e.b.data
	if q == 1 && k == 1 && m > 1 && nd.pa >= 0 && nd.pb >= 0 && nd.pa != nd.pb {
		// y = A·x: Ā += G xᵀ and x̄ += Aᵀ G in one sweep over A's rows,
		// Ā set rather than cleared and added to when it is new.
		dA, fresh := b.adjFresh(nd.pa)
		gemmpkg.GerGemvT(m, p, g, B, A, p, dA, p, b.adj(nd.pb), !fresh)
		return
	}
	if nd.pa >= 0 {
		dst := b.adj(nd.pa)
		switch {
		case m == 1:
			// rows of Ā (k×p) += G (k×q) · Bᵀ
			gemm(false, true, k, p, q, 1, g, q, B, q, 1, dst, p)
		case q == 1 && k == 1:
			ger(m, p, 1, g, B, dst)
		default:
			for d := 0; d < k; d++ {
				gemm(false, true, m, p, q, 1, g[d*m*q:], q, B, q, 1, dst[d*m*p:], p)
			}
		}
	}
	if nd.pb >= 0 {
		dst := b.adj(nd.pb)
		switch {
		case q == 1:
			// rows of B̄ (k×p) += G (k×m) · A
			gemm(false, false, k, p, m, 1, g, m, A, p, 1, dst, p)
		case m == 1 && k == 1:
			ger(p, q, 1, A, g, dst)
		default:
			for d := 0; d < k; d++ {
				gemm(true, false, p, q, m, 1, A, p, g[d*m*q:], q, 1, dst[d*p*q:], q)
			}
		}
	}
}
