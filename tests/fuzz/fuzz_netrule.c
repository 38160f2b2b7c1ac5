/* libFuzzer target: the network rule and port-item parsers. Every accepted
 * rule must format and read back identically (both list kinds). */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netrule.h"

#define FUZZ_TEXT_MAX 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const char *text, enum netrule_list_kind kind)
{
	static struct netrule rule, back;
	char err[256], canonical[NETRULE_TEXT_MAX + 1];
	struct net_addr addr;
	static const uint8_t probe4[4] = { 10, 0, 0, 1 };
	static const uint8_t probe6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	if (netrule_parse(text, kind, &rule, err, sizeof(err)) != 0)
		return;
	if (netrule_format(&rule, canonical, sizeof(canonical)) != 0)
		abort();
	if (netrule_parse(canonical, kind, &back, err, sizeof(err)) != 0 ||
	    memcmp(&rule, &back, sizeof(rule)) != 0)
		abort();
	net_addr_from_ipv4(&addr, probe4);
	(void)netrule_matches(&rule, NET_PROTO_TCP, &addr, 80);
	net_addr_from_ipv6(&addr, probe6);
	(void)netrule_matches(&rule, NET_PROTO_UDP, &addr, 53);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[FUZZ_TEXT_MAX + 1], err[256];
	struct port_range range;

	if (size > FUZZ_TEXT_MAX || memchr(data, '\0', size))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	round_trip(text, NETRULE_CONNECT);
	round_trip(text, NETRULE_DENY);
	if (port_item_parse(text, &range, err, sizeof(err)) == 0 && (range.low == 0 || range.low > range.high))
		abort();
	return 0;
}
