package org.meridian.web;

import java.util.Set;
import org.meridian.core.security.Caller;
import org.meridian.platform.http.Access;

/**
 * What every page knows of its request: the language and its texts, the path (for the language switch and sign-in's
 * way back), the CSRF token its forms carry (empty when nobody is signed in), and who is signed in (null: nobody).
 */
public record Page(Messages t, String path, String csrf, Viewer viewer) {

    /**
     * The person signed in, as the pages show them and choose what to offer: their name and the caller the request's
     * access checks were made for (so a page offers what the routes admit, by the same checks).
     */
    public record Viewer(String name, Caller caller) {
        public Set<String> departments() {
            return caller.departments();
        }

        /** The tenant: "" for the default. */
        public String tenant() {
            return caller.tenant();
        }

        public boolean has(String role) {
            return caller.unrestricted() || caller.roles().contains(role);
        }

        /** Whether routes of this kind open for the viewer: a page links only to what will not answer 403. */
        public boolean may(Access access) {
            return access.admits(caller);
        }
    }

    public Language language() {
        return t.language();
    }

    public boolean signedIn() {
        return viewer != null;
    }
}
