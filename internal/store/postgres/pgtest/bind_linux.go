package pgtest

import "syscall"

// bindToParent makes the kernel kill the server when the test process
// exits, however it exits. Go sets the parent-death signal after the
// credentials, so the change of user does not clear it.
func bindToParent(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGKILL }
