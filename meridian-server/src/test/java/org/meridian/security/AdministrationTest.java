package org.meridian.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.meridian.testing.Api;
import org.meridian.testing.TestServer;

/**
 * A department administrator administers their own department and nothing more: no other department's people, roles
 * or machine clients, no operator, no tenant-wide role, not themselves; and every refused attempt changes nothing.
 */
@org.junit.jupiter.api.Tag("security")
class AdministrationTest {
    private final Api operator = TestServer.api();
    private final String tenant = TestServer.newTenant();

    private Api.Response createUser(Api as, String name, String department, String role) {
        return as.post("/admin/v1/users", "{\"username\": \"" + name + "\", \"password\": \"" + Accounts.PASSWORD
                + "\", \"displayName\": \"" + name + "\", \"roles\": [{\"department\": \"" + department + "\", \"role\": \"" + role + "\"}]}")
                .tenant(tenant).send();
    }

    @Test
    void aDepartmentAdministratorStaysWithinTheirDepartment() {
        Accounts.department(operator, tenant, "water");
        Accounts.department(operator, tenant, "transport");
        String suffix = Long.toString(System.nanoTime(), 36);
        assertThat(createUser(operator, "water-admin-" + suffix, "water", "department-admin").status()).isEqualTo(201);
        assertThat(createUser(operator, "transport-staff-" + suffix, "transport", "staff").status()).isEqualTo(201);
        Api waterAdmin = operator.as("water-admin-" + suffix, Accounts.PASSWORD);

        assertThat(createUser(waterAdmin, "water-staff-" + suffix, "water", "staff").status()).isEqualTo(201);
        for (String[] attempt : new String[][] {{"transport", "staff"}, {"", "dispatcher"}, {"water", "operator"}, {"", "operator"},
                {"nowhere", "staff"}}) {
            Api.Response refused = createUser(waterAdmin, "escalation-" + suffix, attempt[0], attempt[1]);
            assertThat(refused.status()).as("%s in %s: %s", attempt[1], attempt[0], refused).isIn(400, 403);
        }
        assertThat(operator.get("/admin/v1/users/escalation-" + suffix).tenant(tenant).send().status())
                .as("no refused attempt made the account").isEqualTo(404);

        // The other department's person: invisible, not editable, no role can be given them elsewhere than in water.
        assertThat(waterAdmin.get("/admin/v1/users/transport-staff-" + suffix).tenant(tenant).send().status()).isEqualTo(404);
        assertThat(waterAdmin.patch("/admin/v1/users/transport-staff-" + suffix, "{\"password\": \"taken-over-123\"}")
                .tenant(tenant).send().status()).isEqualTo(404);
        assertThat(waterAdmin.patch("/admin/v1/users/admin", "{\"disabled\": true}").tenant(tenant).send().status())
                .as("the operator").isEqualTo(404);
        assertThat(waterAdmin.get("/admin/v1/users").tenant(tenant).send().json().toString())
                .contains("water-staff-" + suffix).doesNotContain("transport-staff-" + suffix).doesNotContain("\"admin\"");
        Api.Response ownRoles = waterAdmin.put("/admin/v1/users/water-admin-" + suffix + "/roles",
                "[{\"department\": \"water\", \"role\": \"department-admin\"}, {\"department\": \"transport\", \"role\": \"department-admin\"}]")
                .tenant(tenant).send();
        assertThat(ownRoles.status()).isEqualTo(403);
        // Nor give them a role in water (they would then be water's to govern, password and all): only an operator
        // shares a person between departments; water then sees them, but still may not change their account.
        assertThat(waterAdmin.put("/admin/v1/users/transport-staff-" + suffix + "/roles", "[{\"department\": \"water\", \"role\": \"staff\"}]")
                .tenant(tenant).send().status()).isEqualTo(404);
        assertThat(operator.put("/admin/v1/users/transport-staff-" + suffix + "/roles",
                "[{\"department\": \"transport\", \"role\": \"staff\"}, {\"department\": \"water\", \"role\": \"staff\"}]")
                .tenant(tenant).send().status()).isEqualTo(200);
        assertThat(waterAdmin.get("/admin/v1/users/transport-staff-" + suffix).tenant(tenant).send().status()).isEqualTo(200);
        assertThat(waterAdmin.patch("/admin/v1/users/transport-staff-" + suffix, "{\"disabled\": true}").tenant(tenant).send().status())
                .isEqualTo(403);
        assertThat(waterAdmin.put("/admin/v1/users/transport-staff-" + suffix + "/roles", "[]").tenant(tenant).send().status())
                .as("water may take back its own role").isEqualTo(200);
        assertThat(operator.get("/admin/v1/users/transport-staff-" + suffix).tenant(tenant).send().json().path("roles").toString())
                .as("the transport role stayed").contains("transport").doesNotContain("water");

        // Departments are the operator's; machine clients of other departments or of the monitor role are refused.
        assertThat(waterAdmin.put("/admin/v1/departments/sewage", "{\"name\": \"Sewage\"}").tenant(tenant).send().status()).isEqualTo(403);
        assertThat(waterAdmin.post("/admin/v1/clients", "{\"id\": \"t-" + suffix + "\", \"department\": \"transport\"}").tenant(tenant)
                .send().status()).isEqualTo(403);
        assertThat(waterAdmin.post("/admin/v1/clients", "{\"id\": \"m-" + suffix + "\", \"department\": \"water\", \"role\": \"monitor\"}")
                .tenant(tenant).send().status()).isEqualTo(403);
        assertThat(waterAdmin.post("/admin/v1/clients", "{\"id\": \"w-" + suffix + "\", \"department\": \"water\"}").tenant(tenant)
                .send().status()).isEqualTo(201);

        // Another tenant: the role does not reach there at all.
        assertThat(waterAdmin.get("/admin/v1/users").tenant(TestServer.newTenant()).send().status()).isEqualTo(403);
    }

    @Test
    void badInputIsRefusedClearly() {
        Accounts.department(operator, tenant, "water");
        for (String body : new String[] {"[]", "{\"username\": \"x\"}", "{\"username\": \"UPPER\", \"password\": \"long-enough-pass\"}",
                "{\"username\": \"ok-name\", \"password\": \"short\"}", "{\"username\": \"ok-name\", \"password\": \"long-enough-pass\", \"isAdmin\": true}",
                "{\"username\": \"ok-name\", \"password\": \"long-enough-pass\", \"roles\": [{\"role\": \"superuser\"}]}",
                "{\"username\": \"x'; DROP TABLE account; --\", \"password\": \"long-enough-pass\"}", "not json"}) {
            Api.Response refused = operator.post("/admin/v1/users", body).tenant(tenant).send();
            assertThat(refused.status()).as(body + ": " + refused).isEqualTo(400);
            assertThat(refused.json().path("detail").asText()).isNotBlank();
        }
        assertThat(operator.get("/admin/v1/users/ok-name").tenant(tenant).send().status()).isEqualTo(404);
        assertThat(operator.get("/admin/v1/users").tenant("bad tenant!").send().status()).isEqualTo(400);
    }
}
