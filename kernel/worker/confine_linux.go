package worker

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

// Landlock (Linux 5.13+), the kernel's unprivileged file-access sandbox.
const (
	sysLandlockCreateRuleset = 444
	sysLandlockAddRule       = 445
	sysLandlockRestrictSelf  = 446

	landlockCreateRulesetVersion = 1
	landlockRulePathBeneath      = 1

	accessExecute    = 1 << 0
	accessWriteFile  = 1 << 1
	accessReadFile   = 1 << 2
	accessReadDir    = 1 << 3
	accessV1         = 1<<13 - 1 // every right of ABI 1: execute … make_sym
	accessRefer      = 1 << 13   // ABI 2
	accessTruncate   = 1 << 14   // ABI 3
	prSetNoNewPrivs  = 38
	oPath            = 0x200000 // O_PATH: a descriptor for a path, not for its contents
	readOnlyAccesses = accessExecute | accessReadFile | accessReadDir
)

// ErrNoConfine says that this system cannot confine the worker's file
// access: no Landlock in the kernel, or a binary built with cgo (whose
// threads Go cannot all restrict).
var ErrNoConfine = errors.New("worker: file access cannot be confined here")

// readOnlyDirs are what a confined worker may still read: the system's
// programs, libraries and configuration (time zones, certificates), its
// own /proc entry and its cgroup (the Go runtime reads CPU limits there),
// and the harmless devices. Not other devices: root could read a disk.
var readOnlyDirs = []string{"/usr", "/lib", "/lib64", "/bin", "/etc", "/proc/self", "/sys/fs/cgroup",
	"/dev/urandom", "/dev/random", "/dev/zero"}

// Confine restricts the whole worker process, for good, to reading and
// writing files under dir, reading the system directories (readOnlyDirs)
// and writing /dev/null: a graded submission cannot read other files (the
// instructor's solution, other submissions, other processes' /proc). It returns ErrNoConfine,
// wrapped, when the system cannot do it; the caller decides whether to go
// on unconfined.
func Confine(dir string) error {
	abi, _, errno := syscall.Syscall(sysLandlockCreateRuleset, 0, 0, landlockCreateRulesetVersion)
	if errno != 0 || int(abi) < 1 {
		return fmt.Errorf("%w: Landlock unavailable (%v)", ErrNoConfine, errno)
	}
	handled := uint64(accessV1)
	if abi >= 2 {
		handled |= accessRefer
	}
	if abi >= 3 {
		handled |= accessTruncate
	}
	attr := struct{ handledFS uint64 }{handled}
	fd, _, errno := syscall.Syscall(sysLandlockCreateRuleset, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr), 0)
	if errno != 0 {
		return fmt.Errorf("%w: landlock_create_ruleset: %v", ErrNoConfine, errno)
	}
	defer syscall.Close(int(fd))
	allow := func(path string, access uint64) error {
		f, err := os.OpenFile(path, os.O_RDONLY|oPath|syscall.O_CLOEXEC, 0)
		if err != nil {
			if os.IsNotExist(err) {
				return nil // /lib64 on some systems
			}
			return err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && !st.IsDir() {
			access &= accessExecute | accessWriteFile | accessReadFile | accessTruncate // rights that apply to files
		}
		rule := struct {
			allowed  uint64
			parentFD int32
		}{access & handled, int32(f.Fd())}
		// struct landlock_path_beneath_attr is packed: 12 bytes.
		if _, _, errno := syscall.Syscall6(sysLandlockAddRule, fd, landlockRulePathBeneath,
			uintptr(unsafe.Pointer(&rule)), 0, 0, 0); errno != 0 {
			return fmt.Errorf("landlock_add_rule %s: %v", path, errno)
		}
		return nil
	}
	if err := allow(dir, handled); err != nil {
		return err
	}
	for _, d := range readOnlyDirs {
		if err := allow(d, readOnlyAccesses); err != nil {
			return err
		}
	}
	if err := allow("/dev/null", accessReadFile|accessWriteFile); err != nil {
		return err
	}
	// Every thread of the process, and what it starts later.
	if _, _, errno := syscall.AllThreadsSyscall(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0); errno == syscall.ENOTSUP {
		return fmt.Errorf("%w: this binary was built with cgo; build it with CGO_ENABLED=0, as install.sh does", ErrNoConfine)
	} else if errno != 0 {
		return fmt.Errorf("%w: prctl(PR_SET_NO_NEW_PRIVS): %v", ErrNoConfine, errno)
	}
	if _, _, errno := syscall.AllThreadsSyscall(sysLandlockRestrictSelf, fd, 0, 0); errno != 0 {
		return fmt.Errorf("%w: landlock_restrict_self: %v", ErrNoConfine, errno)
	}
	return nil
}
