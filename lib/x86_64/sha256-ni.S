/* SPDX-License-Identifier: MIT */
/*
 * The SHA-256 compression function with the x86 SHA extensions (SHA-NI),
 * written for charon.
 *
 * Legacy SSE encodings only (SSE2, SSSE3 pshufb and palignr, SSE4.1
 * pblendw, SHA): the stub enables SSE but never AVX.  No stack, no
 * absolute addresses: the round constants and the byte-swap mask are
 * reached PC-relatively, so the object needs no dynamic relocation.
 *
 * The instructions, as the SDM defines them:
 *   sha256rnds2 %xmm0, src, dst: two rounds.  dst holds {C, D, G, H} and
 *	src {A, B, E, F} (from the high dword down); the two W[t] + K[t]
 *	come from %xmm0's low two dwords; dst receives the new {A, B, E, F}.
 *	The new {C, D, G, H} is the old {A, B, E, F}, so two calls with
 *	src and dst swapped make four rounds and leave each register
 *	holding its own half again.
 *   sha256msg1 src, dst: dst[i] = W[i] + s0(W[i + 1]), i = 0..3, with
 *	W[0..3] in dst and W[4] in src's low dword.
 *   sha256msg2 src, dst: the s1 half: W[16..19] from dst (which holds
 *	W[0..3] + s0(W[1..4]) + W[9..12]) and W[14..15] (src's top dwords).
 *
 * Four rounds are a group j = 0..15 that consumes W[4j..4j+3] in M(j), one
 * of four registers used in turn.  The schedule runs ahead of the rounds,
 * interleaved with them:
 *   group j, j = 2..13:  sha256msg1 of M(j-2) with M(j-1), the s0 half of
 *			  W[4j+8..4j+11];
 *   group j, j = 3..14:  M(j+1) = W[4j+4..4j+7]: add W[4j-3..4j]
 *			  (palignr of M(j-1) and M(j)) to M(j-3), which
 *			  holds its msg1 part, then sha256msg2 with M(j);
 * so no group waits for its message words.  The rounds are one chain of 32
 * dependent sha256rnds2; everything else fits beside it.
 */

	.section .note.GNU-stack, "", @progbits

/* registers: the SysV arguments, then the vector roles */
#define STATE		%rdi	/* uint32_t state[8] */
#define DATA		%rsi	/* the next block */
#define END		%rdx	/* nblocks on entry, then the data's end */
#define KTAB		%rax	/* .Lk, the round constants */

#define WK		%xmm0	/* W[t] + K[t], sha256rnds2's implicit input */
#define ABEF		%xmm1	/* the state as {a, b, e, f}, a on top */
#define CDGH		%xmm2	/* the state as {c, d, g, h} */
#define MSG0		%xmm3	/* M(j) for j % 4 == 0 */
#define MSG1		%xmm4
#define MSG2		%xmm5
#define MSG3		%xmm6
#define TMP		%xmm7
#define BSWAP		%xmm8	/* pshufb mask: big-endian dwords */
#define ABEF_IN		%xmm9	/* the state at the block's start */
#define CDGH_IN		%xmm10

/*
 * rounds4 - rounds 4j..4j+3, with the schedule work described above
 * @j: the group, 0..15
 * @cur: M(j), which holds W[4j..4j+3] (loaded here for j < 4)
 * @prev: M(j-1); @prev2: M(j-2); @prev3: M(j-3), the register of M(j+1)
 */
.macro rounds4 j, cur, prev, prev2, prev3
	.if \j < 4
	movdqu	16 * \j(DATA), \cur
	pshufb	BSWAP, \cur
	.endif
	movdqa	\cur, WK
	paddd	16 * \j(KTAB), WK
	sha256rnds2 WK, ABEF, CDGH		/* rounds 4j, 4j+1 */
	.if \j >= 3 && \j <= 14
	movdqa	\cur, TMP
	palignr	$4, \prev, TMP			/* W[4j-3..4j] */
	paddd	TMP, \prev3
	sha256msg2 \cur, \prev3			/* M(j+1): W[4j+4..] */
	.endif
	pshufd	$0x0e, WK, WK			/* upper two W + K down */
	sha256rnds2 WK, CDGH, ABEF		/* rounds 4j+2, 4j+3 */
	.if \j >= 2 && \j <= 13
	sha256msg1 \prev, \prev2
	.endif
.endm

/*
 * void sha256_blocks_shani(uint32_t state[8], const uint8_t *data,
 *			    size_t nblocks)
 *
 * In: rdi = state, rsi = data (any alignment), rdx = nblocks (may be 0).
 * Clobbers rax, rdx, rsi, xmm0-xmm10 (all caller-saved in the SysV ABI).
 */
	.section .text.sha256_blocks_shani, "ax", @progbits
	.globl	sha256_blocks_shani
	.hidden	sha256_blocks_shani
	.type	sha256_blocks_shani, @function
	.p2align 5
sha256_blocks_shani:
	test	END, END
	jz	.Ldone
	shl	$6, END
	add	DATA, END			/* data + 64 * nblocks */
	leaq	.Lk(%rip), KTAB
	movdqa	.Lbswap(%rip), BSWAP

	/* state[0..7] = a..h into {a, b, e, f} and {c, d, g, h} */
	movdqu	(STATE), TMP			/* d c b a (high dword 1st) */
	movdqu	16(STATE), CDGH			/* h g f e */
	pshufd	$0xb1, TMP, TMP			/* c d a b */
	pshufd	$0x1b, CDGH, CDGH		/* e f g h */
	movdqa	TMP, ABEF
	palignr	$8, CDGH, ABEF			/* a b e f */
	pblendw	$0xf0, TMP, CDGH		/* c d g h */

	.p2align 4
.Lblock:
	movdqa	ABEF, ABEF_IN
	movdqa	CDGH, CDGH_IN

	rounds4	0,  MSG0, MSG3, MSG2, MSG1
	rounds4	1,  MSG1, MSG0, MSG3, MSG2
	rounds4	2,  MSG2, MSG1, MSG0, MSG3
	rounds4	3,  MSG3, MSG2, MSG1, MSG0
	rounds4	4,  MSG0, MSG3, MSG2, MSG1
	rounds4	5,  MSG1, MSG0, MSG3, MSG2
	rounds4	6,  MSG2, MSG1, MSG0, MSG3
	rounds4	7,  MSG3, MSG2, MSG1, MSG0
	rounds4	8,  MSG0, MSG3, MSG2, MSG1
	rounds4	9,  MSG1, MSG0, MSG3, MSG2
	rounds4	10, MSG2, MSG1, MSG0, MSG3
	rounds4	11, MSG3, MSG2, MSG1, MSG0
	rounds4	12, MSG0, MSG3, MSG2, MSG1
	rounds4	13, MSG1, MSG0, MSG3, MSG2
	rounds4	14, MSG2, MSG1, MSG0, MSG3
	rounds4	15, MSG3, MSG2, MSG1, MSG0

	paddd	ABEF_IN, ABEF
	paddd	CDGH_IN, CDGH
	add	$64, DATA
	cmp	END, DATA
	jne	.Lblock

	/* back to state[0..7] = a..h */
	pshufd	$0x1b, ABEF, ABEF		/* f e b a */
	pshufd	$0xb1, CDGH, CDGH		/* d c h g */
	movdqa	ABEF, TMP
	pblendw	$0xf0, CDGH, ABEF		/* d c b a */
	palignr	$8, TMP, CDGH			/* h g f e */
	movdqu	ABEF, (STATE)
	movdqu	CDGH, 16(STATE)
.Ldone:
	ret
	.size	sha256_blocks_shani, . - sha256_blocks_shani

	.section .rodata.sha256_blocks_shani, "a", @progbits
	.p2align 6
/* K[0..63], FIPS 180-4 section 4.2.2; group j adds the 16 bytes at 16 * j */
.Lk:
	.long	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5
	.long	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5
	.long	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3
	.long	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174
	.long	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc
	.long	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da
	.long	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7
	.long	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967
	.long	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13
	.long	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85
	.long	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3
	.long	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070
	.long	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5
	.long	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3
	.long	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208
	.long	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
/* pshufb: reverse the bytes of each dword (message words are big-endian) */
.Lbswap:
	.byte	3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12
