/* Cross-process attacks: change another process of the same user (limits,
 * priority, CPUs, scheduling, I/O priority, memory placement) or learn
 * about it, without signalling or tracing it. The kernel allows each of
 * these between processes of the same uid; none is a ptrace or a signal.
 *
 *   xproc prlimit PID SOFT HARD     prlimit(PID, RLIMIT_NOFILE, SOFT:HARD)
 *   xproc prio process|pgrp|user ID NICE   setpriority(PRIO_*, ID, NICE)
 *   xproc affinity PID CPU          sched_setaffinity(PID, {CPU})
 *   xproc scheduler PID             sched_setscheduler(PID, SCHED_BATCH, 0)
 *   xproc setparam PID              sched_setparam(PID, priority 0)
 *   xproc setattr PID NICE          sched_setattr(PID, SCHED_OTHER, nice NICE)
 *   xproc ioprio PID                ioprio_set(IOPRIO_WHO_PROCESS, PID, best-effort 7)
 *   xproc madvise PID ADDR          pidfd_open, process_madvise(MADV_COLD) of a page
 *   xproc kcmp PID                  kcmp(PID, self, KCMP_VM)
 *   xproc pidfd PID                 pidfd_open(PID), then signal 0 through it
 *                                   (where Landlock has no signal scope,
 *                                   corral-helper serves the pidfd_open)
 *   xproc migrate PID               migrate_pages(PID, node 0 -> node 0)
 *   xproc movepages PID             move_pages(PID, 0 pages): the access check only
 *   xproc victim FILE               write the address of a page of its own to
 *                                   FILE, then wait (a target for madvise)
 */
#include "common.h"

#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#define IOPRIO_CLASS_BE 2
#define IOPRIO_WHO_PROCESS 1
#define KCMP_VM 1
#define MPOL_MF_MOVE (1 << 1)

struct sched_attr_v0 {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

int main(int argc, char **argv)
{
	const char *op = ARG(1);
	pid_t pid = (pid_t)atoi(ARG(2));

	if (OP("prlimit")) {
		struct rlimit r = { .rlim_cur = strtoul(ARG(3), NULL, 10), .rlim_max = strtoul(ARG(4), NULL, 10) };

		return report(prlimit(pid, RLIMIT_NOFILE, &r, NULL));
	}
	if (OP("prio")) {
		int which = strcmp(ARG(2), "pgrp") == 0 ? PRIO_PGRP : strcmp(ARG(2), "user") == 0 ? PRIO_USER : PRIO_PROCESS;

		return report(setpriority(which, (id_t)atoi(ARG(3)), atoi(ARG(4))));
	}
	if (OP("affinity")) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(atoi(ARG(3)), &set);
		return report(sched_setaffinity(pid, sizeof(set), &set));
	}
	if (OP("scheduler")) {
		struct sched_param p = { .sched_priority = 0 };

		return report(sched_setscheduler(pid, SCHED_BATCH, &p));
	}
	if (OP("setparam")) {
		struct sched_param p = { .sched_priority = 0 };

		return report(sched_setparam(pid, &p));
	}
	if (OP("setattr")) {
		struct sched_attr_v0 attr = { .size = sizeof(attr), .sched_policy = SCHED_OTHER, .sched_nice = atoi(ARG(3)) };

		return report(syscall(SYS_sched_setattr, pid, &attr, 0));
	}
	if (OP("ioprio"))
		return report(syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, pid, (IOPRIO_CLASS_BE << 13) | 7));
	if (OP("madvise")) {
		int fd = (int)syscall(SYS_pidfd_open, pid, 0);
		struct iovec iov = { .iov_base = (void *)strtoul(ARG(3), NULL, 16), .iov_len = 4096 };

		if (fd < 0) {
			printf("pidfd_open:");
			return report(-1);
		}
		return report(syscall(SYS_process_madvise, fd, &iov, 1, MADV_COLD, 0));
	}
	if (OP("kcmp"))
		return report(syscall(SYS_kcmp, pid, getpid(), KCMP_VM, 0, 0));
	if (OP("pidfd")) {
		int fd = (int)syscall(SYS_pidfd_open, pid, 0);

		if (fd < 0)
			return report(-1);
		return report(syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0));
	}
	if (OP("migrate")) {
		unsigned long nodes = 1;

		return report(syscall(SYS_migrate_pages, pid, 8 * sizeof(nodes), &nodes, &nodes));
	}
	if (OP("movepages"))
		return report(syscall(SYS_move_pages, pid, 0, NULL, NULL, NULL, MPOL_MF_MOVE));
	if (OP("victim")) {
		char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		FILE *f;

		if (page == MAP_FAILED)
			return report(-1);
		page[0] = 1;
		f = fopen(ARG(2), "w");
		if (!f)
			return report(-1);
		fprintf(f, "%lx\n", (unsigned long)page);
		fclose(f);
		for (;;)
			pause();
	}
	return usage("xproc", op);
}
