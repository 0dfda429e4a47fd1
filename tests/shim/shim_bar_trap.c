// SPDX-License-Identifier: MIT
/*
 * A program under the shim that maps a register BAR and has SIGSEGV
 * handlers of its own, installed before and after the mapping with
 * signal() and sigaction(): its handlers get its own faults, the BAR's
 * loads and stores keep reaching the device, sigaction() reports the
 * program's handler (never the engine's), and munmap() ends the BAR's
 * trapping at those addresses. Run by uiommufd-run --device udma.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/pci_regs.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include <uiommufd/udma.h>
#include <uiommufd/vfio.h>

static sigjmp_buf jmp;
static volatile sig_atomic_t first_seen, second_seen;

static void first_handler(int sig)
{
	(void)sig;
	first_seen++;
	siglongjmp(jmp, 1);
}

static void second_handler(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	(void)ctx;
	second_seen++;
	siglongjmp(jmp, 1);
}

/* The device's cdev bound to an iommufd, memory decoding on */
static int device_open(int *iommufd)
{
	struct vfio_device_bind_iommufd bind = {.argsz = sizeof(bind)};
	uint16_t cmd = PCI_COMMAND_MEMORY;
	int fd;

	*iommufd = open("/dev/iommu", O_RDWR);
	fd = open("/dev/vfio/devices/vfio0", O_RDWR);
	assert_true(*iommufd >= 0 && fd >= 0);
	bind.iommufd = *iommufd;
	assert_int_equal(0, ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	assert_int_equal(2, pwrite(fd, &cmd, 2,
				   (off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40 |
					   PCI_COMMAND));
	return fd;
}

static void fault_on(char *guard)
{
	if (!sigsetjmp(jmp, 1))
		*(volatile char *)guard = 1;
}

static void test_handlers_around_bar(void **state)
{
	struct sigaction act = {.sa_sigaction = second_handler,
				.sa_flags = SA_SIGINFO};
	struct sigaction old;
	volatile uint32_t *regs;
	int iommufd, fd;
	char *guard;

	(void)state;
	guard = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(guard != MAP_FAILED);
	/* Installed before the engine takes SIGSEGV over */
	assert_true(signal(SIGSEGV, first_handler) != SIG_ERR);
	fd = device_open(&iommufd);
	regs = mmap(NULL, UDMA_BAR_REGS_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	assert_true(regs != MAP_FAILED);
	assert_int_equal(UDMA_ID, regs[UDMA_REG_ID / 4]);
	fault_on(guard);
	assert_int_equal(1, first_seen);

	/* Installed after: recorded, the engine's stays */
	sigemptyset(&act.sa_mask);
	assert_int_equal(0, sigaction(SIGSEGV, &act, &old));
	assert_ptr_equal(first_handler, old.sa_handler);
	assert_int_equal(0, sigaction(SIGSEGV, NULL, &old));
	assert_ptr_equal(second_handler, old.sa_sigaction);
	regs[UDMA_REG_IRQ_MASK / 4] = UDMA_IRQ_ERROR;
	assert_int_equal(UDMA_IRQ_ERROR, regs[UDMA_REG_IRQ_MASK / 4]);
	fault_on(guard);
	assert_int_equal(1, second_seen);
	/* signal() too, and it answers with the previous handler */
	assert_ptr_equal(second_handler,
			 (void *)signal(SIGSEGV, first_handler));
	fault_on(guard);
	assert_int_equal(2, first_seen);

	/* Unmapped, a guard of the program's there: its faults are its own */
	assert_int_equal(0, munmap((void *)regs, UDMA_BAR_REGS_LEN));
	assert_true(mmap((void *)regs, 4096, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
			 0) == regs);
	fault_on((char *)regs);
	assert_int_equal(3, first_seen);
	munmap((void *)regs, 4096);

	signal(SIGSEGV, SIG_DFL);
	munmap(guard, 4096);
	close(fd);
	close(iommufd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handlers_around_bar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
