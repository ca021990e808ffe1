package io.tandem.orm.hibernate;

import org.hibernate.boot.Metadata;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.event.spi.AbstractEvent;
import org.hibernate.mapping.Column;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

/**
 * The two Hibernate calls of this package whose <em>binary</em> signatures differ between Hibernate ORM 6.6 and
 * 7.x, looked up once by reflection so that one {@code journal-orm} jar (compiled against 7.x) links on both.
 * The source is the same on both lines; only the descriptor javac records differs, so a direct call compiled
 * against 7.x fails on 6.6 with {@code NoSuchMethodError}:
 * <ul>
 *   <li>{@code Column.getSqlTypeCode(MappingContext)} (7.x) was {@code getSqlTypeCode(Mapping)} (6.6);
 *       {@link Metadata} implements whichever the running Hibernate has;</li>
 *   <li>{@code AbstractEvent.getSession()} returns {@code SharedSessionContractImplementor} (7.x), was
 *       {@code EventSource} (6.6), a subtype of it.</li>
 * </ul>
 * Everything else the integration calls is common to both lines (docs/hibernate.md, "Versions of Hibernate").
 * Drop this class when 6.6 support ends.
 */
final class HibernateCompat {
    /** {@code (Column, Metadata) -> int}. */
    private static final MethodHandle SQL_TYPE_CODE;
    /** {@code (AbstractEvent) -> SharedSessionContractImplementor}. */
    private static final MethodHandle EVENT_SESSION;

    static {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        try {
            Method typeCode = null;
            for (Method m : Column.class.getMethods()) {
                if (m.getName().equals("getSqlTypeCode") && m.getParameterCount() == 1
                        && m.getParameterTypes()[0].isAssignableFrom(Metadata.class)) {
                    typeCode = m;
                }
            }
            if (typeCode == null) {
                throw new IllegalStateException("this Hibernate has no Column.getSqlTypeCode(Mapping|MappingContext)");
            }
            SQL_TYPE_CODE = lookup.unreflect(typeCode)
                    .asType(MethodType.methodType(int.class, Column.class, Metadata.class));
            EVENT_SESSION = lookup.unreflect(AbstractEvent.class.getMethod("getSession"))
                    .asType(MethodType.methodType(SharedSessionContractImplementor.class, AbstractEvent.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private HibernateCompat() {
    }

    /** The column's JDBC type code as Hibernate resolves it from the mapping. */
    static int sqlTypeCode(Column column, Metadata metadata) {
        try {
            return (int) SQL_TYPE_CODE.invokeExact(column, metadata);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The session an entity or collection event was raised in (null in some stateless-session events). */
    static SharedSessionContractImplementor session(AbstractEvent event) {
        try {
            return (SharedSessionContractImplementor) EVENT_SESSION.invokeExact(event);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
