// SPDX-License-Identifier: MIT
/*
 * Console output: the generic MMIO UART drivers (PL011, 16550), dispatch to
 * arch consoles, and a small formatter of our own.
 *
 * UARTs are assumed initialised by whatever ran before (firmware, QEMU, the
 * old kernel): the stub only waits for room and writes.
 */
#include <purgatory/arch.h>
#include <purgatory/pg.h>
#include <string.h>

static struct charon_console pg_con;

#define PL011_DR	0x00
#define PL011_FR	0x18
#define PL011_FR_TXFF	(1u << 5)

#define NS16550_THR	0
#define NS16550_LSR	5
#define NS16550_LSR_THRE (1u << 5)

/* bounded waits: a dead UART must not hang the boot */
#define UART_SPIN	100000

static inline uint32_t mmio_read32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void mmio_write32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}

static inline uint8_t mmio_read8(uint64_t addr)
{
	return *(volatile uint8_t *)(uintptr_t)addr;
}

static inline void mmio_write8(uint64_t addr, uint8_t v)
{
	*(volatile uint8_t *)(uintptr_t)addr = v;
}

static void pl011_putc(uint64_t base, char c)
{
	unsigned int spin = UART_SPIN;

	while ((mmio_read32(base + PL011_FR) & PL011_FR_TXFF) && --spin) {
	}
	mmio_write32(base + PL011_DR, (uint8_t)c);
}

static void ns16550_putc(uint64_t base, unsigned int shift, char c)
{
	unsigned int spin = UART_SPIN;

	while (!(mmio_read8(base + (NS16550_LSR << shift)) & NS16550_LSR_THRE) &&
	       --spin) {
	}
	mmio_write8(base + (NS16550_THR << shift), (uint8_t)c);
}

void pg_console_init(const struct charon_console *con)
{
	/* not a struct assignment: its implicit memcpy would use the GOT */
	memcpy(&pg_con, con, sizeof(pg_con));
	if (pg_con.reg_shift > 4) {
		pg_con.kind = CHARON_CON_NONE;
	}
}

static void pg_putc(char c)
{
	switch (pg_con.kind) {
	case CHARON_CON_PL011:
		pl011_putc(pg_con.base, c);
		break;
	case CHARON_CON_NS16550_MMIO:
		ns16550_putc(pg_con.base, pg_con.reg_shift, c);
		break;
	case CHARON_CON_NONE:
		break;
	default:
		arch_console_putc(&pg_con, c);
		break;
	}
}

/* output sink: the console, or a buffer for pg_snprint() */
struct pg_sink {
	char *buf;
	unsigned int len, pos;
};

static void sink_put(struct pg_sink *s, char c)
{
	if (!s->buf) {
		if (c == '\n') {
			pg_putc('\r');
		}
		pg_putc(c);
		return;
	}
	if (s->pos + 1 < s->len) {
		s->buf[s->pos] = c;
	}
	s->pos++;
}

static void sink_num(struct pg_sink *s, uint64_t v, unsigned int base,
		     int neg, unsigned int width, char pad)
{
	char tmp[24];
	unsigned int n = 0;

	do {
		unsigned int d = (unsigned int)(v % base);

		tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	if (neg) {
		tmp[n++] = '-';
	}
	while (width > n) {
		sink_put(s, pad);
		width--;
	}
	while (n) {
		sink_put(s, tmp[--n]);
	}
}

/* @ap by pointer: copying a va_list is a struct copy on arm64 */
static void pg_format(struct pg_sink *s, const char *fmt, va_list *ap)
{
	for (; *fmt; fmt++) {
		unsigned int width = 0, longs = 0;
		char pad = ' ';
		uint64_t v;

		if (*fmt != '%') {
			sink_put(s, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9') {
			width = width * 10 + (unsigned int)(*fmt++ - '0');
		}
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 's': {
			const char *str = va_arg(*ap, const char *);

			if (!str) {
				str = "(null)";
			}
			while (*str) {
				sink_put(s, *str++);
			}
			break;
		}
		case 'c':
			sink_put(s, (char)va_arg(*ap, int));
			break;
		case 'd': {
			int64_t sv = longs > 1 ? va_arg(*ap, long long) :
				     longs ? va_arg(*ap, long) :
					     va_arg(*ap, int);

			sink_num(s, sv < 0 ? -(uint64_t)sv : (uint64_t)sv, 10,
				 sv < 0, width, pad);
			break;
		}
		case 'u':
		case 'x':
			/* %lx is 32 bits on arm, %llx 64 everywhere */
			v = longs > 1 ? va_arg(*ap, unsigned long long) :
			    longs ? va_arg(*ap, unsigned long) :
				    va_arg(*ap, unsigned int);
			sink_num(s, v, *fmt == 'u' ? 10 : 16, 0, width, pad);
			break;
		case 'p':
			sink_put(s, '0');
			sink_put(s, 'x');
			sink_num(s, (uintptr_t)va_arg(*ap, void *), 16, 0, width,
				 pad);
			break;
		case '%':
			sink_put(s, '%');
			break;
		case '\0':
			return;
		default:
			sink_put(s, '%');
			sink_put(s, *fmt);
			break;
		}
	}
}

void pg_print(const char *fmt, ...)
{
	struct pg_sink s = { 0 };
	va_list ap;

	va_start(ap, fmt);
	pg_format(&s, fmt, &ap);
	va_end(ap);
}

int pg_snprint(char *buf, unsigned int len, const char *fmt, ...)
{
	struct pg_sink s = { .buf = buf, .len = len };
	va_list ap;

	va_start(ap, fmt);
	pg_format(&s, fmt, &ap);
	va_end(ap);
	if (len) {
		buf[s.pos < len ? s.pos : len - 1] = '\0';
	}
	return (int)s.pos;
}

void pg_print_hex(const uint8_t *buf, unsigned int len)
{
	static const char digits[] = "0123456789abcdef";
	unsigned int i;

	for (i = 0; i < len; i++) {
		pg_putc(digits[buf[i] >> 4]);
		pg_putc(digits[buf[i] & 15]);
	}
}
