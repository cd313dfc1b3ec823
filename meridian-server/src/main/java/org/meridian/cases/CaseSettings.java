package org.meridian.cases;

import java.util.ArrayList;
import java.util.List;
import org.meridian.platform.capability.Environment;

/**
 * Case handling's settings.
 *
 * @param watchSeconds how often the clock's own actions on cases (reminders, supervision, escalation) run; 0: never
 */
public record CaseSettings(int watchSeconds) {
    public static final String WATCH_SECONDS = "MERIDIAN_CASE_WATCH_SECONDS";

    public static CaseSettings from(Environment environment) {
        return new CaseSettings(environment.integer(WATCH_SECONDS, 60));
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (watchSeconds < 0 || watchSeconds > 3600) {
            problems.add(WATCH_SECONDS + " must be 0 (never)..3600, not " + watchSeconds);
        }
        return problems;
    }
}
