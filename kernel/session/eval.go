package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/traefik/yaegi/interp"
)

// stepKind says how a step's source is evaluated.
type stepKind int

const (
	stepDecl  stepKind = iota // declarations (decl mode)
	stepStmt                  // one statement (statement mode)
	stepValue                 // the last expression, bound to lastVar
)

// step is one evaluation (Session.eval) of a cell.
type step struct {
	kind stepKind
	src  string
	// body, when set, is the statements the step runs as the body of
	// a func: evaluating the step declares that func, then calls it
	// (src). yaegi gives statements evaluated at top level slots in
	// its global frame, which never shrinks and which every later
	// Eval copies: a notebook got slower with every loop cell run.
	body  string
	u     *unit  // first unit of the step, for error positions
	plain string // stepValue: the statement to run (as a body) if the expression has no single value
	probe string // stepValue of a call: compiles (never runs) the call as one value
	// anyWrap is the stepValue binding the value as an any.
	anyWrap string
	// multi is the stepValue binding the results of a call with several
	// as the text Println would print; "" for writes, whose (n, err) is noise.
	multi string
	decls []*unit  // stepDecl: units to register on success
	imps  []string // stepDecl: import keys to record on success
	// retried marks the steps of a unit rewritten again after yaegi
	// failed on it (see execute).
	retried bool
	// regeneric marks the steps of a unit rewritten again after yaegi's
	// compiler panicked on a call of slices or maps: the rewrite then
	// sees the globals the cell's earlier statements defined.
	regeneric bool
	// wrapped is set when the step ran inside a func literal of the
	// session's (anyWrap, typedDefine): its frame is left out of
	// tracebacks.
	wrapped bool
	// A top-level := of as many values as names: its line directive, the
	// names, and the right-hand sides (rewritten text and syntax), for
	// typedDefine.
	pos      string
	commaOk  bool // v, ok := m[k] or <-ch: defLHS is v and ok
	defLHS   []string
	defRHS   []string
	defExprs []ast.Expr
}

// Execute runs one cell and returns its value and error. It returns when
// the cell is done, or soon after ctx is cancelled: it then waits (up to
// Options.StopTimeout) until the interpreter has really stopped, so an
// interrupted loop can never resume behind the next cell; past the
// timeout it returns an Interrupted error and Stuck reports true. The
// state of earlier cells survives errors and interrupts.
func (s *Session) Execute(ctx context.Context, code string) Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stuck.Load() {
		if !s.waitStopped(callerGID(), s.opts.StopTimeout) {
			return Result{Err: &Error{Name: ErrInterrupted, Value: "an interrupted cell is still running compiled code; restart the kernel"}}
		}
		s.stuck.Store(false)
	}
	s.cell++
	ch := make(chan struct{})
	s.cancel.Store(&ch)
	stop := context.AfterFunc(ctx, func() { close(ch) })
	defer stop()

	res := s.execute(ctx, code)
	s.forgetCompiled()
	if err := s.input.takeErr(); err != nil && res.Err == nil {
		res = Result{Err: &Error{Name: ErrInput, Value: "the cell read input, but none could be given: " + err.Error(),
			Traceback: []string{"InputError: " + err.Error()}}}
	}
	s.errf.flush()
	s.errf.takeFrames()
	return res
}

func (s *Session) execute(ctx context.Context, code string) Result {
	units, hasPkg, err := splitCell(code)
	if err != nil {
		return Result{Err: syntaxError(code, err)}
	}
	if e := s.checkRedefinitions(units); e != nil {
		return Result{Err: e}
	}
	units = orderUnits(units)
	mainName := ""
	for _, u := range units {
		if u.file != nil {
			for _, d := range u.file.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
					mainName = fmt.Sprintf("main__c%d", s.cell)
				}
			}
		}
	}
	_ = hasPkg
	rws := make([]*rewriter, len(units))
	facts := newCellFacts(units)
	for i, u := range units {
		r := &rewriter{u: u, s: s, facts: facts, guard: true, maxDepth: s.opts.MaxCallDepth,
			top: u.kind == unitStmt && !isCompound(u.stmt)}
		if mainName != "" {
			r.renameMain(mainName)
		}
		r.rewrite()
		if r.unsup != nil {
			return Result{Err: unsupportedAt(code, r)}
		}
		if e := s.checkAlloc(code, u); e != nil {
			return Result{Err: e}
		}
		for _, w := range r.warnings {
			fmt.Fprintln(s.errf.w, w)
		}
		rws[i] = r
	}
	steps, deferred := s.plan(units, rws)
	if mainName != "" {
		steps = append(steps, step{kind: stepStmt, src: "{}\n" + mainName + "()", u: units[len(units)-1]})
	}
	var res Result
	// Bookkeeping Evals cannot hang and run with no deadline: yaegi's
	// EvalWithContext, given a cancelled context, may return while its
	// goroutine still runs.
	bg := context.Background()
	if ctx.Err() != nil {
		return Result{Err: s.interrupted(callerGID())}
	}
	// The per-cell counters are reset before the cell's first code runs:
	// by the first step's body when it has one (see evalStep), which
	// saves an evaluation, or else by one of their own.
	s.resetPending = true
	var last reflect.Value
	lastIsVar := false // last is lastVar's own storage (see reuseLast)
	haveValue := false
	for k := 0; k < len(steps); k++ {
		st := steps[k]
		if s.resetPending && st.body == "" {
			if _, err := s.eval(bg, beginFunc+"()"); err != nil {
				return Result{Err: &Error{Name: ErrCompile, Value: err.Error()}}
			}
			s.resetPending = false
		}
		if ctx.Err() != nil {
			res.Err = s.interrupted(callerGID())
			break
		}
		if st.kind == stepValue && st.probe != "" {
			// A call may have no value or several: compile it as the
			// argument of a func that is never called, so nothing runs.
			if _, err := s.compile(st.probe); err != nil && (isCompileError(err) || compilePanic(err) != "") {
				st = st.asPlain()
				if strings.Contains(err.Error(), "too many arguments") && st.multi != "" {
					// Several results (strconv.Atoi): shown as Println would.
					st.kind, st.src = stepValue, st.multi
				}
			}
		}
		var retyped []string // variables of earlier cells this := gives another type
		if st.kind == stepStmt && st.defLHS != nil && !st.commaOk {
			if s.sameTypeRedefine(st) {
				// x := … again, as the same type: an assignment,
				// declared as stepFunc (see sameTypeRedefine).
				st = step{kind: stepStmt, u: st.u, src: "{}\n" + stepFunc + "()"}
			} else {
				retyped = s.earlierVars(st.defLHS)
			}
		}
		if st.kind == stepStmt && st.defLHS != nil && s.selfReferent(st) {
			// x := x * 2, x from before: yaegi would read the new x (0).
			src, derr := s.typedDefineOr(ctx, st, nil)
			if derr != nil {
				res.Err = s.cellError(ctx, code, st, derr)
				break
			}
			if src != "" {
				st.src, st.retried = src, true
			}
		}
		var v reflect.Value
		var err error
		if reused, rv, rerr := s.reuseLast(ctx, st); reused {
			// Bound by assignment: the fallbacks below, which would
			// evaluate the expression again, do not apply.
			v, err = rv, rerr
			st.probe, st.defLHS = "", nil
			lastIsVar = true
		} else {
			v, err = s.evalStep(ctx, st)
		}
		if err != nil && st.kind == stepValue && st.probe != "" && (isCompileError(err) || compilePanic(err) != "") {
			// The probe compiled: one value, which yaegi cannot type in a
			// top-level := (an explicitly instantiated generic call,
			// f[int](x), fails with "constant definition loop" or "not a
			// generic type"): bind it as an any.
			if av, aerr := s.eval(ctx, st.anyWrap); aerr == nil || !isCompileError(aerr) {
				v, err, st.wrapped = av, aerr, true
				if err == nil && !v.IsValid() {
					v = s.globals()[lastVar]
				}
			}
		}
		if err != nil && st.kind == stepValue && st.probe != "" && (isCompileError(err) || compilePanic(err) != "") {
			st = st.asPlain() // a call with no single value: run it as a statement
			v, err = s.evalStep(ctx, st)
		}
		if err != nil && st.kind == stepValue && (isNilType(err) || isDefinitionLoop(err) || panickedCompiling(err)) {
			// yaegi cannot type a := of some values (a generic call's
			// result): bind it as an any instead (no String() probe then).
			// Nothing ran: the error came from the compiler.
			v, err = s.eval(ctx, st.anyWrap)
			st.wrapped = true
			if err == nil && !v.IsValid() {
				v = s.globals()[lastVar] // Eval's value of a := is unreliable
			}
		}
		rangeRetry := !st.retried && st.kind == stepStmt && isNilType(err) && hasRange(st.u)
		genericRetry := !st.retried && !st.regeneric && panickedCompiling(err) && callsGenericPackageIn(st.u)
		if err != nil && (rangeRetry || genericRetry) {
			if genericRetry {
				s.repairFrame()
			}
			// The statements run so far may have declared what the
			// range is over: rewrite the unit again, seeing them.
			r := &rewriter{u: st.u, s: s, facts: facts, guard: true, maxDepth: s.opts.MaxCallDepth}
			r.rewrite()
			if r.unsup != nil {
				res.Err = unsupportedAt(code, r)
				break
			}
			again, _ := s.plan([]*unit{st.u}, []*rewriter{r})
			for i := range again {
				// A generic call's step may still need the typed
				// fallback of a := (see typedDefine).
				again[i].retried = rangeRetry
				again[i].regeneric = true
			}
			steps = append(steps[:k], append(again, steps[k+1:]...)...)
			k--
			continue
		}
		if err != nil && st.defLHS != nil && !st.retried && (isDefinitionLoop(err) || isNilType(err) ||
			isNilDeref(err) && (!hasCall(st.defExprs) || panickedCompiling(err))) {
			// x := g[0] with g from compiled code, or zs :=
			// slices.Clone(xs) (see typedDefine). The error came from
			// the compiler, or, for a nil pointer dereference, may have
			// come from running expressions that call nothing:
			// evaluating them again changes nothing.
			src, derr := s.typedDefineOr(ctx, st, err)
			if err = derr; src != "" {
				v, err = s.eval(ctx, src)
				st.wrapped = true
			}
			if err == nil && st.kind == stepValue {
				v = s.globals()[lastVar]
			}
		}
		if err != nil {
			res.Err = s.cellError(ctx, code, st, err)
			if st.kind == stepDecl && res.Err.Name == ErrCompile {
				s.stubFuncs(ctx, st)
			}
			s.defined(st.defLHS, false)
			break
		}
		s.defined(st.defLHS, true)
		s.warnRetyped(retyped)
		switch st.kind {
		case stepDecl:
			if redefined := s.register(st); len(redefined) > 0 {
				s.redeclareCallers(ctx, redefined)
			}
		case stepValue:
			last, haveValue = v, true
			lastIsVar = lastIsVar && v.CanSet()
			s.registerStmt(st.u)
		default:
			s.registerStmt(st.u)
		}
	}
	if res.Err == nil || res.Err.Name == ErrPanic {
		for i := len(deferred) - 1; i >= 0; i-- {
			if _, err := s.eval(ctx, deferred[i].src); err != nil && res.Err == nil {
				res.Err = s.cellError(ctx, code, deferred[i], err)
			}
		}
	}
	if res.Err == nil && haveValue {
		if lastIsVar {
			res.Data = s.bundle(ctx, last, lastVar)
			last.SetZero() // lastVar does not keep the value alive
		} else {
			res.Data = s.release(ctx, last, lastVar)
		}
	}
	return res
}

// plan turns the rewritten units into evaluation steps, and returns
// the step that runs the top-level defers at the end of the cell.
func (s *Session) plan(units []*unit, rws []*rewriter) (steps, deferred []step) {
	var decl *step
	var sb strings.Builder
	flush := func() {
		if decl != nil && (len(decl.decls) > 0 || len(decl.imps) > 0) {
			decl.src = "package main\n" + sb.String()
			steps = append(steps, *decl)
		}
		decl = nil
		sb.Reset()
	}
	for i, u := range units {
		r := rws[i]
		text := r.render(0, len(u.text))
		exprSrc := func(e ast.Expr) string { return r.render(u.off(e.Pos()), u.off(e.End())) } // as evaluated
		pos := fmt.Sprintf("//line _.go:%d:%d\n", u.line, u.col)
		switch u.kind {
		case unitImport, unitDecl:
			if decl == nil {
				decl = &step{kind: stepDecl, u: u}
			}
			if u.kind == unitImport {
				text = s.newImports(u, &decl.imps)
				if text == "" {
					continue
				}
			} else {
				decl.decls = append(decl.decls, u)
			}
			sb.WriteString(pos + text + "\n")
			continue
		}
		flush()
		if pre := r.hoisted(); pre != "" {
			steps = append(steps, hoistedSteps(u, pos, pre)...)
		}
		if isCompound(u.stmt) {
			// Compound statements run in a func: a nested := cannot
			// rebind a global, and a defer inside runs once.
			steps = append(steps, bodyStep(u, pos+text))
			continue
		}
		switch st := u.stmt.(type) {
		case *ast.ExprStmt:
			if id, ok := st.X.(*ast.Ident); ok && id.Name == "nil" {
				continue // the expression nil shows nothing
			}
			if i == len(units)-1 && !isVoidBuiltin(st.X) {
				vs := step{kind: stepValue, u: u,
					src:     "{}\n" + lastVar + " := \n" + pos + text,
					plain:   pos + text,
					anyWrap: "{}\n" + lastVar + " := func() any { return " + strings.Replace(pos, "//line", "/*line", 1)[:len(pos)-1] + "*/" + text + "\n}()",
					pos:     pos, defLHS: []string{lastVar}, defRHS: []string{r.render(0, u.off(st.X.End()))}, defExprs: []ast.Expr{st.X}}
				if c, isCall := st.X.(*ast.CallExpr); isCall {
					// The call alone, without a trailing // comment that
					// would swallow the closing parenthesis below.
					call := r.render(0, u.off(st.X.End()))
					if !isWriteCall(c) {
						vs.multi = "{}\n" + lastVar + " := strings.TrimSuffix(fmt.Sprintln(\n" + pos + call + "), \"\\n\")"
					}
					vs.probe = "package main\nfunc " + probeFunc + "() { gbShow__(\n" + pos + call + ") }"
				}
				steps = append(steps, vs)
				continue
			}
			steps = append(steps, bodyStep(u, pos+text))
		case *ast.AssignStmt:
			def := step{kind: stepStmt, u: u, src: "{}\n" + pos + text}
			if st.Tok != token.DEFINE {
				def = bodyStep(u, pos+text)
			} else if r2 := commaOk(r, st); r2 != "" {
				def.src = "{}\n" + pos + r2
			} else if len(st.Lhs) == 2 && len(st.Rhs) == 1 && isCommaOkForm(st.Rhs[0]) {
				def.setCommaOk(pos, st, exprSrc)
			} else {
				def.setDefine(pos, st, exprSrc)
			}
			steps = append(steps, def)
		case *ast.DeclStmt:
			// var v = g[0]: the same fallback as v := g[0].
			def := step{kind: stepStmt, u: u, src: "{}\n" + pos + text}
			if gd, ok := st.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR && len(gd.Specs) == 1 {
				if vs := gd.Specs[0].(*ast.ValueSpec); vs.Type == nil && len(vs.Names) == len(vs.Values) {
					as := &ast.AssignStmt{Tok: token.DEFINE, Rhs: vs.Values}
					for _, n := range vs.Names {
						as.Lhs = append(as.Lhs, n)
					}
					def.setDefine(pos, as, exprSrc)
				} else if vs.Type != nil && len(vs.Values) > 0 && callsGenericPackage(vs.Values...) {
					// var v T = slices.Clone(xs) leaves v zero at top
					// level in yaegi; var v T, then v = …, works.
					var names, values []string
					for _, n := range vs.Names {
						names = append(names, n.Name)
					}
					for _, e := range vs.Values {
						values = append(values, exprSrc(e))
					}
					def.src = "{}\n" + pos + "var " + strings.Join(names, ", ") + " " + exprSrc(vs.Type) + "; " +
						strings.Join(names, ", ") + " = " + strings.Join(values, ", ")
				}
			}
			steps = append(steps, def)
		case *ast.IncDecStmt, *ast.SendStmt:
			steps = append(steps, bodyStep(u, pos+text))
		default:
			steps = append(steps, step{kind: stepStmt, u: u, src: "{}\n" + pos + text})
		}
	}
	flush()
	for i, r := range rws {
		if r.cellDefers {
			// The defers the cell's top level reached run once, at its
			// end, last first (see rewriter.cellDefer).
			deferred = []step{{kind: stepStmt, u: units[i], src: "{}\n" + runDefersFunc + "()"}}
		}
	}
	return steps, deferred
}

// asPlain is the value step st run as a statement: its expression has
// no single value.
func (st step) asPlain() step {
	st.kind, st.body, st.src = stepStmt, st.plain, "{}\n"+stepFunc+"()"
	return st
}

// bodyStep is a statement step that runs body inside a func (see
// step.body).
func bodyStep(u *unit, body string) step {
	return step{kind: stepStmt, u: u, body: body, src: "{}\n" + stepFunc + "()"}
}

// evalStep evaluates a step: a step with a body first declares it as
// the body of stepFunc (a compile error, if any, comes from there).
func (s *Session) evalStep(ctx context.Context, st step) (reflect.Value, error) {
	if st.body != "" {
		if err := s.declareStep(st.body); err != nil {
			return reflect.Value{}, err
		}
	}
	return s.eval(ctx, st.src)
}

// declareStep declares body as the body of stepFunc, starting with the
// cell's counter reset while that is pending.
func (s *Session) declareStep(body string) error {
	if s.resetPending {
		// At the body's own position, which yaegi reports for a panic
		// in it.
		directive := ""
		if strings.HasPrefix(body, "//line ") {
			directive = body[:strings.IndexByte(body, '\n')+1]
		}
		body = directive + beginFunc + "()\n" + body
	}
	if err := s.declare("package main\nfunc " + stepFunc + "() {\n" + body + "\n}"); err != nil {
		return err
	}
	s.resetPending = false
	return nil
}

// defined records how a top-level := of names (nil for none) ended: one
// that failed, or was interrupted, may leave yaegi's variable without
// storage, so its names are not assigned to again (sameTypeRedefine,
// reuseLast) until a := of them succeeds.
func (s *Session) defined(names []string, ok bool) {
	for _, n := range names {
		if ok {
			delete(s.unsound, n)
		} else {
			s.unsound[n] = true
		}
	}
}

// earlierVars returns the names that are variables of earlier cells.
func (s *Session) earlierVars(names []string) (vars []string) {
	for _, n := range names {
		if d := s.decls[n]; d != nil && d.kind == "var" && !s.unsound[n] {
			vars = append(vars, n)
		}
	}
	return vars
}

// warnRetyped tells, on stderr, which funcs of earlier cells use a
// variable that a := just gave another type: yaegi made a new variable,
// and those funcs read the old one, now its zero value.
func (s *Session) warnRetyped(names []string) {
	for _, n := range names {
		var users []string
		for name, d := range s.decls {
			if (d.kind == "func" || d.kind == "method") && usesGlobal(d.text, n) {
				users = append(users, name)
			}
		}
		if len(users) == 0 {
			continue
		}
		slices.Sort(users)
		verb, cells := "read", "their cells"
		if len(users) == 1 {
			verb, cells = "reads", "its cell"
		}
		fmt.Fprintf(s.errf.w, "warning: %s has a new type; %s, declared before, still %s the old %s, now its zero value: run %s again\n",
			n, strings.Join(users, ", "), verb, n, cells)
	}
}

// usesGlobal reports whether the declaration text reads name as a
// global: an identifier the declaration does not declare itself (a
// parameter or local of that name does not count).
func usesGlobal(text, name string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+text, 0)
	if err != nil {
		return strings.Contains(text, name) // cannot tell: say so rather than not
	}
	for _, id := range f.Unresolved {
		if id.Name == name {
			return true
		}
	}
	return false
}

// reuseLast binds the value of the value step st by assigning it to
// lastVar, when lastVar (the value of an earlier cell) has its type, as
// := would type it: a top-level := of lastVar would take new slots in
// yaegi's global frame, which every later evaluation copies (see
// step.body). One declaration both checks the type and assigns
// (declareSameTypeAssign). ok is false when it does not compile (another
// type, or a value the session binds another way); then nothing ran.
// Otherwise the expression ran, and v and err are its value and error.
func (s *Session) reuseLast(ctx context.Context, st step) (ok bool, v reflect.Value, err error) {
	if st.kind != stepValue || len(st.defRHS) != 1 || st.pos == "" || s.unsound[lastVar] ||
		!strings.HasPrefix(st.src, "{}\n"+lastVar+" := \n") {
		return false, v, nil // several results, shown as Println would (st.multi), or unsound
	}
	if !s.declareSameTypeAssign(st.pos, []string{lastVar}, st.defRHS) {
		return false, v, nil
	}
	if _, err = s.eval(ctx, "{}\n"+stepFunc+"()"); err != nil {
		return true, v, err
	}
	v, err = s.eval(ctx, "{}\n"+lastVar) // the variable itself: settable
	return true, v, err
}

// eval compiles src and runs it, as yaegi's EvalWithContext does,
// except that it compiles on the calling goroutine: EvalWithContext
// does both on a new goroutine, whose stack then grows (copied, again
// and again) through go/parser's recursion; that was a fifth of a
// trivial cell's time. A panic of yaegi's compiler becomes an
// interp.Panic, as in EvalWithContext. Running stays on a goroutine of
// its own, which ctx cancels (see waitStopped).
func (s *Session) eval(ctx context.Context, src string) (v reflect.Value, err error) {
	prog, err := s.compile(src)
	if err != nil {
		return v, err
	}
	return s.in.ExecuteWithContext(ctx, prog)
}

// declare evaluates src, declarations that run nothing (funcs), on the
// calling goroutine: with nothing to interrupt, it needs neither a
// goroutine nor a context.
func (s *Session) declare(src string) error {
	prog, err := s.compile(src)
	if err == nil {
		_, err = s.in.Execute(prog)
	}
	return err
}

// compile is yaegi's Compile, its panics returned as errors.
func (s *Session) compile(src string) (prog *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			var pc [64]uintptr
			n := runtime.Callers(1, pc[:])
			err = interp.Panic{Value: r, Callers: pc[:n], Stack: debug.Stack()}
		}
	}()
	return s.in.Compile(src)
}

// isBlank reports whether every expression is the blank identifier.
func isBlank(es []ast.Expr) bool {
	for _, e := range es {
		if id, ok := e.(*ast.Ident); !ok || id.Name != "_" {
			return false
		}
	}
	return len(es) > 0
}

// stubFuncs replaces the funcs of a declaration step that failed to
// compile, which yaegi leaves defined with empty bodies (a call returns
// zero values), by funcs that panic saying so.
func (s *Session) stubFuncs(ctx context.Context, st step) {
	var sb strings.Builder
	for _, u := range st.decls {
		for _, d := range u.file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil || fd.Type.TypeParams != nil {
				continue
			}
			msg := fmt.Sprintf("%s is not defined: the cell declaring it failed to compile; fix it and run it again", fd.Name.Name)
			p := u.fset.Position(fd.Pos())
			fmt.Fprintf(&sb, "//line _.go:%d:%d\n%s { panic(%q) }\n", p.Line, p.Column, u.text[u.off(fd.Pos()):u.off(fd.Body.Lbrace)], msg)
		}
	}
	if sb.Len() > 0 {
		s.eval(context.Background(), "package main\n"+sb.String()) // best effort
	}
}

// isNilType reports yaegi's compiler failing on a type it could not
// infer (a range over an int or func it cannot see, for one).
func isNilType(err error) bool {
	var p interp.Panic
	if !errors.As(err, &p) {
		return false
	}
	msg := fmt.Sprint(p.Value)
	return msg == "nil type" || msg == "nil reflect type" || compilePanic(err) != ""
}

// hasRange reports whether a statement unit contains a range loop.
func hasRange(u *unit) bool {
	found := false
	ast.Inspect(u.stmt, func(n ast.Node) bool {
		_, ok := n.(*ast.RangeStmt)
		found = found || ok
		return !found
	})
	return found
}

// isCompound reports statements that run inside a func literal at top
// level (see plan).
func isCompound(st ast.Stmt) bool {
	switch st.(type) {
	case *ast.ForStmt, *ast.RangeStmt, *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt,
		*ast.SelectStmt, *ast.BlockStmt, *ast.LabeledStmt, *ast.GoStmt:
		return true
	}
	return false
}

// isWriteCall reports a call of a writer (fmt.Fprint*, Write*), whose
// (n, err) results are not worth showing.
func isWriteCall(c *ast.CallExpr) bool {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	return ok && (strings.HasPrefix(sel.Sel.Name, "Write") || strings.HasPrefix(sel.Sel.Name, "Fprint") || strings.HasPrefix(sel.Sel.Name, "Print"))
}

// isVoidBuiltin reports calls known to have no value, which need no probe.
func isVoidBuiltin(e ast.Expr) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	switch f := c.Fun.(type) {
	case *ast.Ident:
		switch f.Name {
		case "print", "println", "panic", "close", "delete", "clear":
			return true
		}
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok && x.Name == "fmt" && strings.HasPrefix(f.Sel.Name, "Print") {
			return true
		}
	}
	return false
}

// commaOk rewrites a top-level `v, ok := x.(T)` (a yaegi "nil type"
// panic) to declarations and an assignment.
func commaOk(r *rewriter, a *ast.AssignStmt) string {
	if a.Tok != token.DEFINE || len(a.Lhs) != 2 || len(a.Rhs) != 1 {
		return ""
	}
	ta, ok := a.Rhs[0].(*ast.TypeAssertExpr)
	if !ok || ta.Type == nil {
		return ""
	}
	v, ok1 := a.Lhs[0].(*ast.Ident)
	okv, ok2 := a.Lhs[1].(*ast.Ident)
	if !ok1 || !ok2 {
		return ""
	}
	var sb strings.Builder
	if v.Name != "_" {
		fmt.Fprintf(&sb, "var %s %s; ", v.Name, r.render(r.u.off(ta.Type.Pos()), r.u.off(ta.Type.End())))
	}
	if okv.Name != "_" {
		fmt.Fprintf(&sb, "var %s bool; ", okv.Name)
	}
	sb.WriteString(v.Name + ", " + okv.Name + " = " + r.render(r.u.off(ta.Pos()), r.u.off(ta.End())))
	return sb.String()
}

// renderPieces renders pieces of an edit.
func (r *rewriter) renderPieces(ps []piece) string {
	r.render(0, 0) // sort edits
	var sb strings.Builder
	r.writePieces(&sb, ps)
	return sb.String()
}

// renameMain renames func main, and every reference to it, so that it
// runs once, in its own cell, instead of after every later Eval.
func (r *rewriter) renameMain(name string) {
	root := r.u.root()
	ast.Inspect(root, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == "main" && r.u.off(id.Pos()) >= 0 {
			r.replaceNode(id, lit(name))
		}
		return true
	})
}

// newImports returns the import declarations of u not imported before.
func (s *Session) newImports(u *unit, keys *[]string) string {
	var sb strings.Builder
	for _, spec := range u.file.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		name := ""
		if spec.Name != nil {
			name = spec.Name.Name
		}
		key := name + " " + path
		if s.imports[key] {
			continue
		}
		*keys = append(*keys, key)
		fmt.Fprintf(&sb, "import %s %q; ", name, path)
	}
	return sb.String()
}

// isCompileError reports an error found before the code ran.
func isCompileError(err error) bool {
	var p interp.Panic
	return !errors.As(err, &p) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

var cfgPanic = regexp.MustCompile(`^(?:_\.go:)?\d+:\d+: CFG [a-z-]+ panic: (.*)$`)

// compilePanic returns the message of a panic of yaegi's compiler
// ("L:C: CFG post-order panic: L:C: msg"), or "".
func compilePanic(err error) string {
	var p interp.Panic
	if !errors.As(err, &p) {
		return ""
	}
	if m := cfgPanic.FindStringSubmatch(fmt.Sprint(p.Value)); m != nil {
		return m[1]
	}
	return ""
}

var missingPkg = regexp.MustCompile(`^(\d+:\d+: )import "[^"]*" error: unable to find source related to: ("[^"]*")`)

var incompleteType = regexp.MustCompile(`incomplete type ([\pL_][\pL\pN_]*)$`)

// noSymbol is yaegi's message for a missing package member; it names the
// package by its import path (for ad, an internal alias path).
var noSymbol = regexp.MustCompile(`package ([\pL_][\pL\pN_]*) "[^"]*" has no symbol ([\pL_][\pL\pN_]*)`)

// noSelector is its message for one in a := of a call of it, naming the
// package by its path (for ad, an internal alias path).
var noSelector = regexp.MustCompile(`undefined selector (?:[^\s/]+/)*([\pL_][\pL\pN_]*)\.([\pL_][\pL\pN_]*)$`)

// variadicGeneric is yaegi's error for a call of a variadic generic
// function (slices.Concat, cmp.Or): it cannot infer the type parameter.
var variadicGeneric = regexp.MustCompile(`^(?:_\.go:)?\d+:\d+: undefined type for [\pL_][\pL\pN_]*$`)

// variadicGenericMessage explains variadicGeneric at the first call of
// slices.Concat or cmp.Or in code.
func variadicGenericMessage(code string) string {
	const what = "the interpreter cannot infer the type of a variadic generic function"
	for _, f := range []struct{ call, instead string }{
		{"slices.Concat(", "a variable as its first argument, or append(slices.Clone(a), b...)"},
		{"cmp.Or(", "an if statement"},
	} {
		if i := strings.Index(code, f.call); i >= 0 {
			line := strings.Count(code[:i], "\n") + 1
			col := utf8.RuneCountInString(code[strings.LastIndex(code[:i], "\n")+1:i]) + 1
			return fmt.Sprintf("%d:%d: %s, %s…); use %s", line, col, what, f.call, f.instead)
		}
	}
	return "1:1: " + what + "; call it with explicit type arguments, or write it with append or a loop"
}

var errPos = regexp.MustCompile(`^(?:_\.go:)?(\d+):(\d+): (.*)$`)

// cellError turns an evaluation error into the cell's Error.
func (s *Session) cellError(ctx context.Context, code string, st step, err error) *Error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return s.interrupted(callerGID())
	}
	var p interp.Panic
	if errors.As(err, &p) {
		s.errf.flush()
		frames := s.errf.takeFrames()
		if ex, ok := p.Value.(ExitError); ok {
			return &Error{Name: ErrExit, Value: ex.Error() + " called: the kernel is still running and earlier state is kept",
				Traceback: []string{ErrExit + ": " + ex.Error()}}
		}
		if ae, ok := p.Value.(allocError); ok {
			tb := caret(code, st.u.line, st.u.col, ErrMemory+": "+ae.Error())
			return &Error{Name: ErrMemory, Value: ae.Error(), Traceback: tb}
		}
		msg := fmt.Sprint(p.Value)
		if m := compilePanic(err); m != "" && len(frames) == 0 {
			err = errors.New(m)
			goto compileErr
		}
		if len(frames) == 0 && (msg == "nil type" || msg == "nil reflect type" || strings.Contains(msg, "nil pointer dereference")) {
			return unsupported(code, st.u, s.featureOf(st.u), "")
		}
		tb := []string{"panic: " + msg}
		for i, f := range frames {
			if m := panicFrame.FindStringSubmatch(f); m != nil {
				fn := strings.TrimSuffix(strings.TrimPrefix(m[3], "main."), "(...)")
				if fn == "func" && st.wrapped && i == len(frames)-2 {
					continue // the session's wrapper, called by the top level
				}
				if fn == "main" && i > 0 && strings.Contains(frames[i-1], stepFunc) {
					continue // the top level's call of the step's body, just shown
				}
				if fn == "main" { // the top-level statement: yaegi reports 1:28
					tb = append(tb, fmt.Sprintf("    at cell line %d:%d", st.u.line, st.u.col))
					continue
				}
				if fn == stepFunc {
					// The statement's body (see step.body): the line is
					// right, and within the statement's first line the
					// column yaegi gives is an operand's, not the
					// statement's.
					line, col := m[1], m[2]
					if line == strconv.Itoa(st.u.line) {
						col = strconv.Itoa(st.u.col)
					}
					tb = append(tb, fmt.Sprintf("    at cell line %s:%s", line, col))
					continue
				}
				if pkgFn, ok := genericFrame(fn); ok {
					// In package generic's source, not the cell.
					if pkgFn != "" && (len(tb) == 0 || tb[len(tb)-1] != "    at "+pkgFn) {
						tb = append(tb, "    at "+pkgFn)
					}
					continue
				}
				tb = append(tb, fmt.Sprintf("    at %s (cell line %s:%s)", fn, m[1], m[2]))
				continue
			}
			tb = append(tb, "    "+f)
		}
		return &Error{Name: ErrPanic, Value: msg, Traceback: collapseRepeats(tb)}
	}
compileErr:
	msg := err.Error()
	if strings.HasSuffix(msg, "constant definition loop") && st.kind != stepDecl {
		// yaegi's message for an undefined name in a top-level :=.
		// Compiled inside a func literal (never run), the statement
		// gets a better one.
		body := strings.TrimPrefix(st.src, "{}\n")
		if st.kind == stepValue {
			body = "_ = " + st.plain
		}
		_, perr := s.eval(context.Background(), "package main\nfunc "+probeFunc+"() {\n"+body+"\n}")
		if m := compilePanic(perr); m != "" {
			msg = m
		} else if perr != nil && isCompileError(perr) {
			msg = perr.Error()
		} else {
			msg = fmt.Sprintf("%d:%d: %s (is a name undefined?)", st.u.line, st.u.col, msg)
		}
	}
	// yaegi says "incomplete type x" for an undefined name x used as a value.
	msg = incompleteType.ReplaceAllString(msg, "undefined: $1")
	// As Go says it: undefined: ad.Vectr.
	msg = noSymbol.ReplaceAllString(msg, "undefined: $1.$2")
	msg = noSelector.ReplaceAllString(msg, "undefined: $1.$2")
	if variadicGeneric.MatchString(msg) {
		// Reported inside the generic package's source.
		msg = variadicGenericMessage(code)
	}
	if m := missingPkg.FindStringSubmatch(msg); m != nil {
		// yaegi suggests setting GOPATH, which cannot help in a kernel.
		msg = m[1] + fmt.Sprintf("package %s is not available: the interpreter has the Go 1.22 standard library (no iter, unique or newer packages) and the preloaded packages only", m[2])
	}
	if m := errPos.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		return &Error{Name: ErrCompile, Value: fmt.Sprintf("%d:%d: %s", line, col, m[3]),
			Traceback: caret(code, line, col, ErrCompile+": "+fmt.Sprintf("%d:%d: %s", line, col, m[3]))}
	}
	if strings.HasPrefix(msg, "runtime error: ") && st.u != nil && rangesGenericIterator(st.u) {
		// Left unrewritten: its type was unknown (see genericSeqParams).
		return unsupported(code, st.u, s.featureOf(st.u), "")
	}
	if strings.HasPrefix(msg, "runtime error: ") && st.u != nil {
		// yaegi's compiler itself failed, with no position.
		msg = fmt.Sprintf("%d:%d: the Go interpreter failed to compile this (%s): is a name used before it is declared, or undefined?", st.u.line, st.u.col, msg)
		return &Error{Name: ErrCompile, Value: msg, Traceback: caret(code, st.u.line, st.u.col, ErrCompile+": "+msg)}
	}
	return &Error{Name: ErrCompile, Value: msg, Traceback: []string{ErrCompile + ": " + msg}}
}

// featureOf names the Go feature of a unit most likely to have made yaegi
// panic with "nil type".
func (s *Session) featureOf(u *unit) string {
	root := u.root()
	feature := "a Go feature yaegi v0.16.1 does not support (its compiler failed with \"nil type\")"
	if a, ok := u.stmt.(*ast.AssignStmt); ok && a.Tok == token.DEFINE && len(a.Rhs) == 1 {
		if c, ok := a.Rhs[0].(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok && s.isGenericFunc(id.Name) {
				return "a := of a generic func's result at top level (yaegi cannot infer its type); declare the variable's type first: var v T; v = " + exprText(u, c)
			}
		}
	}
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.RangeStmt:
			if isGenericIterator(n.X) {
				feature = "range over an iterator of slices or maps (" + exprText(u, n.X) + ") on a value whose type the kernel could not find " +
					"(it knows those of globals, parameters, and locals declared with a type or a composite literal); range over the slice or map itself: for i, v := range s, for k, v := range m"
				return false
			}
			feature = "range over an int or a func (Go 1.22/1.23) whose type the kernel could not find; for an int, write a three-clause loop (for i := 0; i < n; i++); for an iterator, range over a func declared in a cell, or call it with a yield func: seq(func(v T) bool { …; return true })"
			return false
		case *ast.TypeAssertExpr:
			feature = "a type assertion to a type declared in a cell, here at top level; do it inside a func"
		}
		return true
	})
	return feature
}

// genericFrame reports whether the traceback frame of fn is in one of
// genericPackages, and returns the exported function it belongs to
// ("slices.Max" for slices.Max.func1), or "" for an unexported helper.
func genericFrame(fn string) (string, bool) {
	pkg, name, ok := strings.Cut(fn, ".")
	if !ok || !slices.Contains(genericPackages, pkg) {
		return "", false
	}
	name, _, _ = strings.Cut(name, ".")
	if name == "" || !unicode.IsUpper([]rune(name)[0]) {
		return "", true
	}
	return pkg + "." + name, true
}

// packageCall returns pkg and name when e is a call pkg.name(…) of a
// package selector (syntactically: whether pkg is a package or a
// variable is the caller's to check).
func packageCall(e ast.Expr) (pkg, name string, ok bool) {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return "", "", false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", "", false
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return "", "", false
	}
	return id.Name, sel.Sel.Name, true
}

// callsGenericPackage reports whether any of the nodes calls a function
// of package slices or maps.
func callsGenericPackage[N ast.Node](nodes ...N) bool {
	found := false
	for _, n := range nodes {
		ast.Inspect(n, func(n ast.Node) bool {
			if e, ok := n.(ast.Expr); ok {
				if pkg, _, ok := packageCall(e); ok && (pkg == "slices" || pkg == "maps") {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

// callsGenericPackageIn is callsGenericPackage for a whole unit.
func callsGenericPackageIn(u *unit) bool {
	return u != nil && callsGenericPackage(u.root())
}

// rangesGenericIterator reports whether u has a range over an iterator
// of slices or maps.
func rangesGenericIterator(u *unit) bool {
	root := u.root()
	found := false
	ast.Inspect(root, func(n ast.Node) bool {
		if rs, ok := n.(*ast.RangeStmt); ok && isGenericIterator(rs.X) {
			found = true
		}
		return !found
	})
	return found
}

// isGenericIterator reports whether e calls an iterator of package
// slices or maps (slices.All(s), maps.Keys(m)).
func isGenericIterator(e ast.Expr) bool {
	pkg, name, _ := packageCall(e)
	switch pkg {
	case "slices":
		return name == "All" || name == "Values" || name == "Backward" || name == "Chunk"
	case "maps":
		return name == "All" || name == "Keys" || name == "Values"
	}
	return false
}

// unsupportedAt is the error of the unsupported feature r saw; the
// caret points at it.
func unsupportedAt(code string, r *rewriter) *Error {
	p := r.u.fset.Position(r.unsup.pos)
	if m := r.unsup.compileErr; m != "" {
		v := fmt.Sprintf("%d:%d: %s", p.Line, p.Column, m)
		return &Error{Name: ErrCompile, Value: v, Traceback: caret(code, p.Line, p.Column, ErrCompile+": "+v)}
	}
	e := unsupported(code, r.u, r.unsup.feature, r.unsup.hint)
	e.Traceback = caret(code, p.Line, p.Column, e.Traceback[0])
	return e
}

// unsupported is the error of a cell using a feature yaegi lacks.
func unsupported(code string, u *unit, feature, hint string) *Error {
	msg := "not supported by the Go interpreter: " + feature
	if hint != "" {
		msg += "; " + hint
	}
	return &Error{Name: ErrUnsupported, Value: msg, Traceback: caret(code, u.line, u.col, ErrUnsupported+": "+msg)}
}

// syntaxError formats a parse error with the cell line and a caret.
func syntaxError(code string, err error) *Error {
	var se *SyntaxError
	if errors.As(err, &se) {
		v := se.Error()
		return &Error{Name: ErrSyntax, Value: v, Traceback: caret(code, se.Line, se.Column, ErrSyntax+": "+v)}
	}
	return &Error{Name: ErrSyntax, Value: err.Error(), Traceback: []string{err.Error()}}
}

// caret returns a traceback: the message, the cell line and a caret
// under the column.
func caret(code string, line, col int, msg string) []string {
	lines := strings.Split(code, "\n")
	tb := []string{msg}
	if line >= 1 && line <= len(lines) {
		src := lines[line-1]
		tb = append(tb, fmt.Sprintf("%4d | %s", line, src))
		pad := ""
		for i, r := range src {
			if i >= col-1 {
				break
			}
			if r == '\t' {
				pad += "\t"
			} else {
				pad += " "
			}
		}
		tb = append(tb, "     | "+pad+"^")
	}
	return tb
}

// interrupted waits for the cancelled evaluation to stop and returns the
// Interrupted error.
func (s *Session) interrupted(gid string) *Error {
	if !s.waitStopped(gid, s.opts.StopTimeout) {
		s.stuck.Store(true)
		return &Error{Name: ErrInterrupted, Value: "interrupted, but compiled code called by the cell is still running; restart the kernel",
			Traceback: []string{"Interrupted: the cell did not stop within " + s.opts.StopTimeout.String()}}
	}
	s.errf.takeFrames()
	value := "interrupted"
	if s.goroutines.Load() {
		value += " (goroutines started by cells were stopped too)"
	}
	return &Error{Name: ErrInterrupted, Value: value, Traceback: []string{"Interrupted"}}
}

// callerGID returns the id of the calling goroutine.
func callerGID() string {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	f := bytes.Fields(buf[:n])
	if len(f) < 2 {
		return ""
	}
	return string(f[1])
}

// waitStopped waits until no goroutine started by ExecuteWithContext
// from goroutine gid is left (yaegi returns on cancel without waiting
// for it), or timeout passes.
func (s *Session) waitStopped(gid string, timeout time.Duration) bool {
	marker := []byte("created by github.com/traefik/yaegi/interp.(*Interpreter).ExecuteWithContext in goroutine " + gid + "\n")
	deadline := time.Now().Add(timeout)
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		for n == len(buf) {
			buf = make([]byte, 2*len(buf))
			n = runtime.Stack(buf, true)
		}
		if !bytes.Contains(buf[:n], marker) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// collapseRepeats replaces runs of identical traceback lines (a deep
// recursion) by the line once and a count.
func collapseRepeats(tb []string) []string {
	var out []string
	for i := 0; i < len(tb); {
		j := i + 1
		for j < len(tb) && tb[j] == tb[i] {
			j++
		}
		out = append(out, tb[i])
		if n := j - i - 1; n > 0 {
			out = append(out, fmt.Sprintf("    … the line above %d more times", n))
		}
		i = j
	}
	return out
}
