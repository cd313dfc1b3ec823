package org.meridian.web;

import java.util.Set;

/**
 * What every page knows of its request: the language and its texts, the path (for the language switch and sign-in's
 * way back), the CSRF token its forms carry (empty when nobody is signed in), and who is signed in (null: nobody).
 */
public record Page(Messages t, String path, String csrf, Viewer viewer) {

    /** The person signed in, as the pages show them and choose what to offer (tenant: "" for the default). */
    public record Viewer(String name, Set<String> roles, Set<String> departments, String tenant) {
        public boolean has(String role) {
            return roles.contains(role) || roles.contains("operator") || roles.contains(org.meridian.core.security.Caller.ALL_RIGHTS);
        }

        /**
         * Whether routes of this kind (one that needs a role) open for the viewer: a page links only to what will not
         * answer 403.
         */
        public boolean may(org.meridian.platform.http.Access access) {
            return access.roles().stream().anyMatch(role -> has(role.id()));
        }
    }

    public Language language() {
        return t.language();
    }

    public boolean signedIn() {
        return viewer != null;
    }
}
