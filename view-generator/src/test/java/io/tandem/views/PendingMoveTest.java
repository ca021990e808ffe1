package io.tandem.views;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a pending move renames the names a generated function body holds as text. */
class PendingMoveTest {
    private final PendingMove move = new PendingMove("tandem_build_shop", "public");

    @Test
    void namesQualifiedByTheMovedSchemaAreQualifiedByItsDestination() {
        assertEquals("SELECT c.id, upper(c.name) FROM \"public\".customer c JOIN \"public\".orders o ON o.c = c.id",
                move.named("SELECT c.id, upper(c.name) FROM tandem_build_shop.customer c"
                        + " JOIN \"tandem_build_shop\".orders o ON o.c = c.id"));
        assertEquals("SELECT (c.*)::\"public\".customer FROM \"public\".customer c",
                move.named("SELECT (c.*)::tandem_build_shop.customer FROM tandem_build_shop.customer c"));
    }

    @Test
    void literalsCommentsAndOtherNamesStayAsTheyAre() {
        String sql = "SELECT 'tandem_build_shop', $$tandem_build_shop$$, c.tandem_build_shop,"
                + " \"tandem_build_shop.customer\".id /* tandem_build_shop.y */"
                + " FROM tandem_build_shop_old.customer c, public.tandem_build_shop t";
        assertEquals(sql, move.named(sql));
        assertEquals(sql, PendingMove.NONE.named(sql));
    }

    @Test
    void operatorsOfTheMovedSchemaMoveWithIt() {
        assertEquals("SELECT a OPERATOR(\"public\".=) b", move.named("SELECT a OPERATOR(tandem_build_shop.=) b"));
    }

    @Test
    void aLiteralNamingTheMovedSchemaCannotBeMoved() {
        PendingMove.Unmovable e = assertThrows(PendingMove.Unmovable.class,
                () -> move.named("SELECT 'tandem_build_shop.customer'::regclass::oid AS t FROM tandem_build_shop.x"));
        assertTrue(e.getMessage().contains("'tandem_build_shop.customer'"), e.getMessage());
    }

    @Test
    void sequencesInTheMovedSchemaMoveWithIt() {
        assertEquals("\"public\".customer_id_seq",
                move.named(new KeySequences.Sequence("tandem_build_shop", "customer_id_seq")).quoted());
        assertEquals("\"public\".\"Seq\"",
                move.named(new KeySequences.Sequence("\"tandem_build_shop\"", "\"Seq\"")).quoted());
        assertEquals("public.orders_id_seq",
                move.named(new KeySequences.Sequence("public", "orders_id_seq")).quoted());
    }
}
