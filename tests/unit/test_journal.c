/* Unit tests of the journal entries of corral's events (lib/util/journal.c):
 * the fields read from an event line and the native-protocol datagram. */
#include <errno.h>
#include <string.h>

#include "journal.h"
#include "tap.h"

static void test_fields(void)
{
	const char *line = "user=alice session=0123abcd event=refused op=connect target=\"a b=c event=x\" "
			   "rule=\"net.connect corral.ini:3\" errno=13";
	char out[64];

	journal_event_field(line, "user", out, sizeof(out));
	is_str(out, "alice", "user= at the start of the line");
	journal_event_field(line, "session", out, sizeof(out));
	is_str(out, "0123abcd", "session=");
	journal_event_field(line, "event", out, sizeof(out));
	is_str(out, "refused", "event=, not the one inside a quoted value");
	journal_event_field(line, "rule", out, sizeof(out));
	is_str(out, "net.connect corral.ini:3", "a quoted value without its quotes");
	journal_event_field(line, "errno", out, sizeof(out));
	is_str(out, "13", "the last field");
	journal_event_field(line, "reason", out, sizeof(out));
	is_str(out, "", "an absent field is empty");
	journal_event_field("pam_corral(sshd:session): user=bob event=session-open", "user", out, sizeof(out));
	is_str(out, "bob", "after the pam_syslog-style prefix");
	journal_event_field("xuser=bob user=carol", "user", out, sizeof(out));
	is_str(out, "carol", "a key must be a whole word");
	journal_event_field("user=\"unterminated", "user", out, sizeof(out));
	is_str(out, "unterminated", "an unterminated quote runs to the end");
	journal_event_field("user=averyveryverylongname", "user", out, 5);
	is_str(out, "aver", "a value is cut to the buffer");
}

static void test_format(void)
{
	char buf[JOURNAL_ENTRY_MAX];
	ssize_t n;

	n = journal_event_format(4, "corral", 42,
				 "user=alice session=s1 event=refused rule=fs.write reason=\"two\nlines\"", buf,
				 sizeof(buf));
	ok(n > 0 && (size_t)n == strlen(buf), "an entry is formatted (%zd bytes)", n);
	ok(strstr(buf, "MESSAGE=user=alice session=s1 event=refused rule=fs.write reason=\"two lines\"\n") != NULL,
	   "MESSAGE is the line, its newline turned into a space");
	ok(strstr(buf, "\nPRIORITY=4\n") != NULL, "PRIORITY");
	ok(strstr(buf, "\nSYSLOG_FACILITY=10\n") != NULL, "SYSLOG_FACILITY=10 (authpriv)");
	ok(strstr(buf, "\nSYSLOG_IDENTIFIER=corral\n") != NULL, "SYSLOG_IDENTIFIER=corral");
	ok(strstr(buf, "\nSYSLOG_PID=42\n") != NULL, "SYSLOG_PID");
	ok(strstr(buf, "\nCORRAL_USER=alice\n") && strstr(buf, "\nCORRAL_SESSION=s1\n") &&
		   strstr(buf, "\nCORRAL_EVENT=refused\n") && strstr(buf, "\nCORRAL_RULE=fs.write\n"),
	   "the four CORRAL_* fields");
	n = journal_event_format(6, "corral", 1, "no fields here", buf, sizeof(buf));
	ok(n > 0 && !strstr(buf, "CORRAL_"), "no CORRAL_* field that the line does not have");
	is_int(journal_event_format(6, "corral", 1, "user=alice", buf, 20), -ENOBUFS, "a buffer too small: -ENOBUFS");
}

int main(void)
{
	test_fields();
	test_format();
	return tap_done();
}
