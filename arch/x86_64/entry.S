/* SPDX-License-Identifier: MIT */
/*
 * x86_64 entry: two entry points, our image header, the GDT and the code
 * that runs before C.
 *
 * | entry        | offset        | caller and state                          |
 * |--------------|---------------|-------------------------------------------|
 * | kexec, 64-bit| 0 (entry_     | Linux relocate_kernel: long mode, paging  |
 * |              | offset)       | on with an identity map of RAM, IRQs off. |
 * |              |               | SSE may be disabled (CR4.OSFXSR clear).   |
 * | PVH, 32-bit  | entry2_offset | QEMU -kernel (Xen PVH ELF note), or any   |
 * |              |               | PVH loader: protected mode, paging off,   |
 * |              |               | flat CS/DS, ebx = hvm_start_info, no      |
 * |              |               | stack.  The stub builds an identity map   |
 * |              |               | of the first 4 GiB and enters long mode.  |
 * Both load our GDT, set our stack, enable SSE (CR0.EM/TS clear, CR4.OSFXSR
 * and OSXMMEXCPT set: the SHA-NI path needs it), clear bss and apply our
 * own .rela.dyn.  Any load address that is 4 KiB aligned and below 4 GiB
 * (PVH) or identity-mapped (kexec).
 *
 * Leaves for the next kernel (Documentation/arch/x86/boot.rst):
 *   64-bit protocol: long mode, CS = 0x10 (flat 64-bit code), DS = ES =
 *   SS = 0x18 (flat data), IRQs off, rsi = boot_params, identity map in
 *   place, at the kernel's load address + 0x200.
 *   32-bit protocol: protected mode, paging off, CS = 0x10 (flat 32-bit
 *   code), DS = ES = SS = 0x18, esi = boot_params, ebp = edi = ebx = 0,
 *   at code32_start.
 */
#include <abi/params.h>
#include <purgatory/image-header.h>

#define CR0_PE		(1 << 0)
#define CR0_MP		(1 << 1)
#define CR0_EM		(1 << 2)
#define CR0_TS		(1 << 3)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define CR4_OSFXSR	(1 << 9)
#define CR4_OSXMMEXCPT	(1 << 10)
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)

#define BOOT_CS		0x10	/* boot.rst's __BOOT_CS */
#define BOOT_DS		0x18	/* boot.rst's __BOOT_DS */
#define COMPAT_CS	0x20	/* 32-bit code, to leave long mode */

#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_PS		0x080	/* 2 MiB page */

/* an offset inside .head.text, as an assembly-time constant */
#define HEAD(sym)	((sym) - _head)

	.section .head.text, "ax"
	.code64
	.globl	_head
_head:
	jmp	start64			/* ABI: 0x00 the kexec entry */

	.org	CHARON_HDR_OFF_X86_64
	/* entry: the jmp at 0; load_align: page tables, GDT; the PVH entry */
	charon_image_header CHARON_ARCH_X86_64, _head, 0x1000, pvh_start32
	.org	CHARON_HDR_OFF_X86_64 + CHARON_HDR_SIZE

/*
 * GDTs.  Long mode: BOOT_CS is 64-bit code.  The 32-bit protocol hand-over
 * loads gdt32, where BOOT_CS is 32-bit code.  The pointers' bases are
 * written at run time (we do not know where we are before that).
 */
	.balign	16
gdt64:
	.quad	0
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x10 BOOT_CS: 64-bit code, flat */
	.quad	0x00cf92000000ffff	/* 0x18 BOOT_DS: data, flat */
	.quad	0x00cf9a000000ffff	/* 0x20 COMPAT_CS: 32-bit code, flat */
gdt64_end:
gdt32:
	.quad	0
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x10 BOOT_CS: 32-bit code, flat */
	.quad	0x00cf92000000ffff	/* 0x18 BOOT_DS: data, flat */
gdt32_end:
	.balign	8
	.short	0			/* align the bases */
gdt64_ptr:
	.short	gdt64_end - gdt64 - 1
	.quad	0			/* base, set at run time */
	.short	0
gdt32_ptr:
	.short	gdt32_end - gdt32 - 1
	.quad	0

/*
 * The PVH entry: 32-bit protected mode, paging off, no stack.
 * ebp = runtime address of _head throughout.
 */
	.code32
	.globl	pvh_start32
pvh_start32:
	cli
	cld
	/*
	 * ebp = where we run.  32-bit code can only learn that from a call,
	 * which needs a stack, and PVH gives none: borrow the first word of
	 * hvm_start_info (ebx, RAM we may write) as one, then put it back.
	 */
	movl	(%ebx), %esi
	leal	4(%ebx), %esp
	call	1f
1:	popl	%ebp
	movl	%esi, (%ebx)
	subl	$HEAD(1b), %ebp		/* ebp = _head */

	/* a stack of our own: the top of the stub's stack area */
	movl	HEAD(stack_off)(%ebp), %esp
	addl	%ebp, %esp

	/* zero bss: the page tables live there */
	movl	HEAD(bss_off)(%ebp), %ecx
	leal	(%ebp, %ecx), %edx	/* edx = _bss_start */
	movl	HEAD(bss_end_off)(%ebp), %ecx
	addl	%ebp, %ecx		/* ecx = _bss_end */
	xorl	%eax, %eax
4:	cmpl	%ecx, %edx
	jae	5f
	movl	%eax, (%edx)
	addl	$4, %edx
	jmp	4b
5:
	/* hvm_start_info, for the chainloader (pg_boot_arg, a u64) */
	movl	HEAD(boot_arg_off)(%ebp), %ecx
	movl	%ebx, (%ebp, %ecx)
	movl	$0, 4(%ebp, %ecx)
	/*
	 * Identity map of [0, 4 GiB) with 2 MiB pages: PML4[0] -> PDPT,
	 * PDPT[0..3] -> PD0..PD3, PDn[i] -> (n * 512 + i) * 2 MiB.
	 */
	movl	HEAD(pt_off)(%ebp), %ebx
	addl	%ebp, %ebx		/* ebx = pml4; pdpt, pd0..3 follow */
	leal	0x1000 + PTE_P + PTE_W(%ebx), %eax
	movl	%eax, (%ebx)		/* PML4[0] = PDPT */
	leal	0x1000(%ebx), %edx	/* edx = PDPT */
	leal	0x2000 + PTE_P + PTE_W(%ebx), %eax
	movl	$4, %ecx
6:	movl	%eax, (%edx)		/* PDPT[n] = PDn */
	addl	$0x1000, %eax
	addl	$8, %edx
	loop	6b
	leal	0x2000(%ebx), %edx	/* edx = PD0, PD1..3 follow */
	movl	$(PTE_P + PTE_W + PTE_PS), %eax
	xorl	%esi, %esi		/* esi = high word: 0 below 4 GiB */
	movl	$2048, %ecx
7:	movl	%eax, (%edx)
	movl	%esi, 4(%edx)
	addl	$0x200000, %eax
	addl	$8, %edx
	loop	7b

	/* long mode: PAE (and SSE) on, CR3, EFER.LME, then paging */
	movl	%cr4, %eax
	orl	$(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl	%eax, %cr4
	movl	%ebx, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE), %eax
	movl	%eax, %cr0

	/* our GDT, then a far return into 64-bit code */
	leal	HEAD(gdt64)(%ebp), %eax
	movl	%eax, HEAD(gdt64_ptr + 2)(%ebp)
	lgdt	HEAD(gdt64_ptr)(%ebp)
	leal	HEAD(pvh_long)(%ebp), %eax
	pushl	$BOOT_CS
	pushl	%eax
	lret

	.code64
pvh_long:
	/*
	 * 32-bit code set only the low halves of rsp and rbp; their upper
	 * halves are undefined after the switch (QEMU happens to zero them)
	 */
	leaq	_head(%rip), %rbp	/* rbp = load address */
	leaq	_stack_top(%rip), %rsp
	movl	$1, %eax
	jmp	common64

/* link-time offsets of things outside .head.text (PC-relative: no reloc) */
	.balign	4
stack_off:	.long	_stack_top - _head
bss_off:	.long	_bss_start - _head
bss_end_off:	.long	_bss_end - _head
pt_off:		.long	x86_page_tables - _head
boot_arg_off:	.long	pg_boot_arg - _head

/*
 * The kexec entry: long mode on the old kernel's identity map, which stays
 * (it maps all of RAM, where the stub may lie above 4 GiB).
 */
start64:
	cli
	cld
	leaq	_head(%rip), %rbp	/* rbp = load address */
	leaq	_stack_top(%rip), %rsp
	leaq	gdt64(%rip), %rax
	movq	%rax, gdt64_ptr + 2(%rip)
	lgdt	gdt64_ptr(%rip)
	/* zero bss (the PVH path did it in 32-bit code) */
	leaq	_bss_start(%rip), %rdi
	leaq	_bss_end(%rip), %rcx
	subq	%rdi, %rcx
	shrq	$3, %rcx
	xorl	%eax, %eax
	rep stosq
	xorl	%eax, %eax		/* eax = 0: kexec entry */

/* eax = entry path (0 kexec, 1 PVH); rbp = load address; GDT is ours */
common64:
	leaq	1f(%rip), %rcx
	pushq	$BOOT_CS
	pushq	%rcx
	lretq				/* CS = BOOT_CS */
1:	movl	$BOOT_DS, %ecx
	movl	%ecx, %ds
	movl	%ecx, %es
	movl	%ecx, %ss
	xorl	%ecx, %ecx
	movl	%ecx, %fs
	movl	%ecx, %gs
	movl	%eax, x86_entry_path(%rip)

	/* SSE: relocate_kernel leaves CR4.OSFXSR clear */
	movq	%cr0, %rax
	andq	$~(CR0_EM | CR0_TS), %rax
	orq	$CR0_MP, %rax
	movq	%rax, %cr0
	movq	%cr4, %rax
	orq	$(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
	movq	%rax, %cr4

	movq	%rbp, %rdi
	call	pg_relocate		/* eax = 0 or -LIB_E*, kept */
	movl	%eax, %esi
	movq	%rbp, %rdi
	call	pg_main			/* pg_main(load_addr, reloc_status) */
2:	hlt				/* pg_main never returns */
	jmp	2b

	.text
/*
 * x86_enter64(entry, boot_params): the 64-bit boot protocol.  rsi already
 * holds boot_params (second argument); never returns.
 */
	.globl	x86_enter64
	.type	x86_enter64, @function
x86_enter64:
	cli
	xorl	%ebp, %ebp
	xorl	%ebx, %ebx
	jmp	*%rdi
	.size	x86_enter64, . - x86_enter64

/*
 * x86_enter32(entry, boot_params): the 32-bit boot protocol.  Leaves long
 * mode (through 32-bit compatibility code, which must lie below 4 GiB:
 * the caller checks), turns paging off, loads gdt32 and jumps to entry
 * with esi = boot_params, ebp = edi = ebx = 0.  Never returns.
 */
	.globl	x86_enter32
	.type	x86_enter32, @function
x86_enter32:
	cli
	leaq	gdt32(%rip), %rax
	movq	%rax, gdt32_ptr + 2(%rip)
	leaq	gdt32_ptr(%rip), %rbx	/* ebx = &gdt32_ptr */
	movl	%edi, %ebp		/* ebp = entry */
	leaq	2f(%rip), %rdi		/* edi = the 32-bit code below */
	leaq	1f(%rip), %rax
	pushq	$COMPAT_CS
	pushq	%rax
	lretq
	.code32
1:	movl	%cr0, %eax		/* compatibility mode: paging off, */
	andl	$~CR0_PG, %eax
	movl	%eax, %cr0
	movl	$MSR_EFER, %ecx		/* long mode off, */
	rdmsr
	andl	$~EFER_LME, %eax
	wrmsr
	movl	%cr4, %eax		/* PAE off */
	andl	$~CR4_PAE, %eax
	movl	%eax, %cr4
	lgdt	(%ebx)
	pushl	$BOOT_CS		/* CS = gdt32's BOOT_CS */
	pushl	%edi
	lret
2:	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%ebp, %eax		/* eax = entry */
	xorl	%ebp, %ebp
	xorl	%edi, %edi
	xorl	%ebx, %ebx
	jmp	*%eax			/* esi = boot_params, untouched */
	.code64
	.size	x86_enter32, . - x86_enter32

	.code64
/* port I/O for the C side: the console, reset, isa-debug-exit */
	.globl	x86_outl
	.type	x86_outl, @function
x86_outl:				/* x86_outl(port, value) */
	movl	%edi, %edx
	movl	%esi, %eax
	outl	%eax, %dx
	ret
	.size	x86_outl, . - x86_outl

	.globl	x86_outb
	.type	x86_outb, @function
x86_outb:				/* x86_outb(port, value) */
	movl	%edi, %edx
	movl	%esi, %eax
	outb	%al, %dx
	ret
	.size	x86_outb, . - x86_outb

	.globl	x86_inb
	.type	x86_inb, @function
x86_inb:				/* x86_inb(port) */
	movl	%edi, %edx
	xorl	%eax, %eax
	inb	%dx, %al
	ret
	.size	x86_inb, . - x86_inb

	.section .bss.page_tables, "aw", @nobits
	.balign	4096
	.globl	x86_page_tables
x86_page_tables:			/* PML4, PDPT, PD0..PD3 */
	.skip	6 * 4096
