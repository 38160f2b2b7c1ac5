/* Rate-limited denial log (see denials.h). */
#include <time.h>

#include "denials.h"
#include "log.h"

int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void denials_init(struct denial_log *log, const char *user, const char *session, bool enabled)
{
	log->user = user;
	log->session = session;
	log->enabled = enabled;
	log->tokens = DENIAL_LOG_BURST;
	log->last_ms = monotonic_ms();
	log->denied = 0;
	log->suppressed = 0;
}

bool denials_take_token(struct denial_log *log, int64_t now_ms)
{
	if (now_ms > log->last_ms) {
		log->tokens += (double)(now_ms - log->last_ms) * DENIAL_LOG_PER_SECOND / 1000.0;
		if (log->tokens > DENIAL_LOG_BURST)
			log->tokens = DENIAL_LOG_BURST;
		log->last_ms = now_ms;
	}
	if (log->tokens < 1.0)
		return false;
	log->tokens -= 1.0;
	return true;
}

void denials_record(struct denial_log *log, const char *op, const char *target, const char *rule, int error)
{
	log->denied++;
	if (!log->enabled)
		return;
	if (!denials_take_token(log, monotonic_ms())) {
		log->suppressed++;
		return;
	}
	corral_log(LOG_WARNING, "user=%s session=%s event=denied op=%s target=\"%s\" rule=\"%s\" errno=%d", log->user,
		   log->session, op, target, rule, error);
}

void denials_summary(const struct denial_log *log, int status)
{
	corral_log(LOG_INFO, "user=%s session=%s event=session-end status=%d denials=%llu suppressed=%llu", log->user,
		   log->session, status, (unsigned long long)log->denied, (unsigned long long)log->suppressed);
}
