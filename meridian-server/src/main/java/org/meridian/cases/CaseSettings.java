package org.meridian.cases;

import java.util.ArrayList;
import java.util.List;
import org.meridian.platform.capability.Environment;

/**
 * Case handling's settings.
 *
 * @param watchSeconds how often the clock's own actions on cases (reminders, supervision, escalation) run; 0: never
 * @param jurisdiction the Open311 {@code jurisdiction_id} of the default tenant (other tenants are named by theirs)
 * @param contact who Open311's discovery names as the contact
 */
public record CaseSettings(int watchSeconds, String jurisdiction, String contact) {
    public static final String WATCH_SECONDS = "MERIDIAN_CASE_WATCH_SECONDS";
    public static final String JURISDICTION = "MERIDIAN_OPEN311_JURISDICTION";
    public static final String CONTACT = "MERIDIAN_OPEN311_CONTACT";

    public static CaseSettings from(Environment environment) {
        return new CaseSettings(environment.integer(WATCH_SECONDS, 60), environment.text(JURISDICTION, "meridian"),
                environment.text(CONTACT, "The city's 12345 hotline"));
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (watchSeconds < 0 || watchSeconds > 3600) {
            problems.add(WATCH_SECONDS + " must be 0 (never)..3600, not " + watchSeconds);
        }
        if (!jurisdiction.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            problems.add(JURISDICTION + " must be a name such as city.gov.cn (letters, digits, '.', '_', '-'), not " + jurisdiction);
        }
        return problems;
    }
}
