/* SPDX-License-Identifier: MIT */
/*
 * x86_64 probe payload: a tiny "bzImage" (setup header, protocol 2.15,
 * 64-bit capable, relocatable) whose protected-mode code prints the state
 * it was entered with, then leaves QEMU through isa-debug-exit (value
 * 0x10: QEMU exits with status 33).
 *
 * 64-bit entry (load address + 0x200), one line on COM1 (port 0x3f8):
 *   PROBE: mode=64 rsi=<16 hex> pc=.. cr0=.. cr4=.. efer=.. cs=<4> ds=<4>
 *          ss=<4> rflags=<16> hdr=<8> loader=<2> cmdline=<8> ramdisk=<8>
 *          ramdisk_size=<8> e820=<2> peek=<16> low=<16>
 * 32-bit entry (code32_start = load address):
 *   PROBE: mode=32 esi=<8> pc=<8> cr0=<8> cs=<4> ds=<4> ss=<4> ebx=<8>
 *          edi=<8> ebp=<8> hdr=<8>
 * hdr is the u32 at boot_params + 0x202 ("HdrS" = 53726448), loader the
 * byte at 0x210, cmdline/ramdisk/ramdisk_size the u32s at 0x228/0x218/
 * 0x21c, e820 the byte at 0x1e8; peek is the u64 at PEEK_ADDR (where the
 * kdump test puts its backup copy) and low the u64 at address 0.
 */
#define COM1		0x3f8
#define DEBUG_EXIT	0xf4
#define PEEK_ADDR	0x700000
#define MSR_EFER	0xc0000080

	.text
	.globl	_start
_start:
	.org	0x1f1
	.byte	1			/* setup_sects: pm code at 0x400 */
	.word	0			/* root_flags */
	.long	(probe_end - entry32 + 15) / 16	/* syssize, paragraphs */
	.word	0			/* ram_size */
	.word	0			/* vid_mode */
	.word	0			/* root_dev */
	.word	0xaa55			/* 0x1fe boot_flag */
	.byte	0xeb, hdr_end - 0x202	/* 0x200 jump: header length */
	.ascii	"HdrS"			/* 0x202 */
	.word	0x020f			/* 0x206 version 2.15 */
	.long	0			/* 0x208 realmode_swtch */
	.word	0			/* 0x20c start_sys_seg */
	.word	0			/* 0x20e kernel_version */
	.byte	0			/* 0x210 type_of_loader */
	.byte	0x01			/* 0x211 loadflags: LOADED_HIGH */
	.word	0			/* 0x212 setup_move_size */
	.long	0x100000		/* 0x214 code32_start */
	.long	0			/* 0x218 ramdisk_image */
	.long	0			/* 0x21c ramdisk_size */
	.long	0			/* 0x220 bootsect_kludge */
	.word	0			/* 0x224 heap_end_ptr */
	.byte	0			/* 0x226 ext_loader_ver */
	.byte	0			/* 0x227 ext_loader_type */
	.long	0			/* 0x228 cmd_line_ptr */
	.long	0x7fffffff		/* 0x22c initrd_addr_max */
	.long	0x200000		/* 0x230 kernel_alignment */
	.byte	1			/* 0x234 relocatable_kernel */
	.byte	21			/* 0x235 min_alignment: 2 MiB */
	.word	0x3			/* 0x236 xloadflags: KERNEL_64, above 4G */
	.long	2047			/* 0x238 cmdline_size */
	.long	0			/* 0x23c hardware_subarch */
	.quad	0			/* 0x240 hardware_subarch_data */
	.long	0			/* 0x248 payload_offset */
	.long	0			/* 0x24c payload_length */
	.quad	0			/* 0x250 setup_data */
	.quad	0x2000000		/* 0x258 pref_address */
	.long	0x100000		/* 0x260 init_size */
	.long	0			/* 0x264 handover_offset */
hdr_end:

/* ---- 32-bit protocol entry: code32_start = load address ---------------- */
	.org	0x400
	.code32
entry32:
	movl	%ebx, %ecx		/* keep the entry registers */
	movl	%edi, %edx
	movl	%ebp, %eax
	call	1f
1:	popl	%ebp
	subl	$(1b - entry32), %ebp	/* ebp = where we run */
	movl	%ecx, (v_ebx - entry32)(%ebp)
	movl	%edx, (v_edi - entry32)(%ebp)
	movl	%eax, (v_ebp - entry32)(%ebp)

	.macro	puts32, label
	leal	(\label - entry32)(%ebp), %ebx
	call	str32
	.endm
	.macro	hex32, digits
	movl	$\digits, %ecx
	call	hexn32
	.endm

	puts32	s_mode32
	movl	%esi, %eax
	hex32	8
	puts32	s_pc
	movl	%ebp, %eax
	hex32	8
	puts32	s_cr0
	movl	%cr0, %eax
	hex32	8
	puts32	s_cs
	movl	%cs, %eax
	hex32	4
	puts32	s_ds
	movl	%ds, %eax
	hex32	4
	puts32	s_ss
	movl	%ss, %eax
	hex32	4
	puts32	s_ebx
	movl	(v_ebx - entry32)(%ebp), %eax
	hex32	8
	puts32	s_edi
	movl	(v_edi - entry32)(%ebp), %eax
	hex32	8
	puts32	s_ebp
	movl	(v_ebp - entry32)(%ebp), %eax
	hex32	8
	puts32	s_hdr
	movl	0x202(%esi), %eax
	hex32	8
	puts32	s_nl
	movl	$DEBUG_EXIT, %edx
	movl	$0x10, %eax
	outl	%eax, %dx
2:	hlt
	jmp	2b

/* putc32: al = byte; clobbers edx */
putc32:
	pushl	%eax
	movw	$COM1 + 5, %dx
3:	inb	%dx, %al
	testb	$0x20, %al
	jz	3b
	popl	%eax
	movw	$COM1, %dx
	outb	%al, %dx
	ret

/* str32: ebx = NUL-terminated string */
str32:
	movb	(%ebx), %al
	testb	%al, %al
	jz	4f
	call	putc32
	incl	%ebx
	jmp	str32
4:	ret

/* hexn32: eax = value, ecx = digits (low ones) */
hexn32:
	pushl	%esi
	movl	%eax, %esi
	leal	(, %ecx, 4), %ecx
5:	subl	$4, %ecx
	movl	%esi, %eax
	shrl	%cl, %eax
	andl	$0xf, %eax
	cmpl	$10, %eax
	jb	6f
	addl	$('a' - '0' - 10), %eax
6:	addl	$'0', %eax
	call	putc32
	testl	%ecx, %ecx
	jnz	5b
	popl	%esi
	ret

v_ebx:	.long	0
v_edi:	.long	0
v_ebp:	.long	0

/* ---- 64-bit protocol entry: load address + 0x200 ----------------------- */
	.org	0x600
	.code64
entry64:
	movq	%rsi, %r12		/* r12 = boot_params */

	.macro	puts64, label
	leaq	\label(%rip), %rbx
	call	str64
	.endm
	.macro	hex64, digits
	movl	$\digits, %ecx
	call	hexn64
	.endm

	puts64	s_mode64
	movq	%r12, %rax
	hex64	16
	puts64	s_pc
	leaq	entry64(%rip), %rax
	hex64	16
	puts64	s_cr0
	movq	%cr0, %rax
	hex64	16
	puts64	s_cr4
	movq	%cr4, %rax
	hex64	16
	puts64	s_efer
	movl	$MSR_EFER, %ecx
	rdmsr
	shlq	$32, %rdx
	orq	%rdx, %rax
	hex64	16
	puts64	s_cs
	movl	%cs, %eax
	hex64	4
	puts64	s_ds
	movl	%ds, %eax
	hex64	4
	puts64	s_ss
	movl	%ss, %eax
	hex64	4
	puts64	s_rflags
	pushfq
	popq	%rax
	hex64	16
	puts64	s_hdr
	movl	0x202(%r12), %eax
	hex64	8
	puts64	s_loader
	movzbl	0x210(%r12), %eax
	hex64	2
	puts64	s_cmdline
	movl	0x228(%r12), %eax
	hex64	8
	puts64	s_ramdisk
	movl	0x218(%r12), %eax
	hex64	8
	puts64	s_ramdisk_size
	movl	0x21c(%r12), %eax
	hex64	8
	puts64	s_e820
	movzbl	0x1e8(%r12), %eax
	hex64	2
	puts64	s_peek
	movq	PEEK_ADDR, %rax
	hex64	16
	puts64	s_low
	movq	0, %rax
	hex64	16
	puts64	s_nl
	movl	$DEBUG_EXIT, %edx
	movl	$0x10, %eax
	outl	%eax, %dx
7:	hlt
	jmp	7b

/* putc64: al = byte; clobbers edx */
putc64:
	pushq	%rax
	movw	$COM1 + 5, %dx
8:	inb	%dx, %al
	testb	$0x20, %al
	jz	8b
	popq	%rax
	movw	$COM1, %dx
	outb	%al, %dx
	ret

/* str64: rbx = NUL-terminated string */
str64:
	movb	(%rbx), %al
	testb	%al, %al
	jz	9f
	call	putc64
	incq	%rbx
	jmp	str64
9:	ret

/* hexn64: rax = value, ecx = digits (low ones) */
hexn64:
	pushq	%rsi
	movq	%rax, %rsi
	shll	$2, %ecx
10:	subl	$4, %ecx
	movq	%rsi, %rax
	shrq	%cl, %rax
	andl	$0xf, %eax
	cmpl	$10, %eax
	jb	11f
	addl	$('a' - '0' - 10), %eax
11:	addl	$'0', %eax
	call	putc64
	testl	%ecx, %ecx
	jnz	10b
	popq	%rsi
	ret

s_mode32:	.asciz	"PROBE: mode=32 esi="
s_mode64:	.asciz	"PROBE: mode=64 rsi="
s_pc:		.asciz	" pc="
s_cr0:		.asciz	" cr0="
s_cr4:		.asciz	" cr4="
s_efer:		.asciz	" efer="
s_cs:		.asciz	" cs="
s_ds:		.asciz	" ds="
s_ss:		.asciz	" ss="
s_rflags:	.asciz	" rflags="
s_ebx:		.asciz	" ebx="
s_edi:		.asciz	" edi="
s_ebp:		.asciz	" ebp="
s_hdr:		.asciz	" hdr="
s_loader:	.asciz	" loader="
s_cmdline:	.asciz	" cmdline="
s_ramdisk:	.asciz	" ramdisk="
s_ramdisk_size:	.asciz	" ramdisk_size="
s_e820:		.asciz	" e820="
s_peek:		.asciz	" peek="
s_low:		.asciz	" low="
s_nl:		.asciz	"\r\n"
	.balign	512
probe_end:
