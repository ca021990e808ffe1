package io.tandem.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * One writer thread of one app version, through the Hibernate example app: creates, renames, changes emails (v1)
 * or phones (v2), deletes, and reads, at random, on the customers it owns. Ownership makes the final state determined: v1 writer {@code w} owns the
 * names and emails of seeded customers with {@code id % writers == w}, v2 writer {@code w} their phones, and
 * each writer everything of the customers it created itself.
 */
final class WriterLoop implements Runnable {
    private final ShopClient shop;
    private final Model model;
    private final int writer;
    private final int writers;
    private final AtomicReference<PhaseMeter> meter;
    private final LagProbe lag;
    private final BooleanSupplier stop;
    private final Random random;
    private final List<Long> created = new ArrayList<>();
    private long counter;

    WriterLoop(ShopClient shop, Model model, int writer, int writers, AtomicReference<PhaseMeter> meter, LagProbe lag,
               BooleanSupplier stop, long seed) {
        this.shop = shop;
        this.model = model;
        this.writer = writer;
        this.writers = writers;
        this.meter = meter;
        this.lag = lag;
        this.stop = stop;
        this.random = new Random(seed);
    }

    @Override
    public void run() {
        while (!stop.getAsBoolean()) {
            int dice = random.nextInt(100);
            try {
                if (dice < 15) {
                    read();
                } else if (dice < 35 || created.isEmpty()) {
                    create();
                } else if (dice < 40) {
                    delete();
                } else {
                    change();
                }
            } catch (Exception e) {
                meter.get().failed(shop.version(), e);
            }
        }
    }

    private void create() throws Exception {
        long n = counter++;
        Customer c = new Customer("Given" + n + " Family" + writer, "v" + shop.version() + "w" + writer + "n" + n
                + "@example.com", shop.version() == 2 ? "+1 555 " + n : null, false);
        long start = System.nanoTime();
        ShopClient.Created done = shop.insert(c);
        acknowledged(start, done.txid());
        model.put(done.id(), c);
        created.add(done.id());
    }

    private void delete() throws Exception {
        int index = random.nextInt(created.size());
        long id = created.get(index);
        long start = System.nanoTime();
        long txid = shop.delete(id);
        if (txid != ShopClient.NOT_YET_VISIBLE) {
            created.remove(index);
            acknowledged(start, txid);
            model.delete(id);
        }
    }

    private void change() throws Exception {
        boolean seededOne = random.nextBoolean();
        long id = seededOne ? ownedSeeded() : created.get(random.nextInt(created.size()));
        long n = counter++;
        long start = System.nanoTime();
        if (shop.version() == 1 || !seededOne) {
            if (random.nextBoolean() && shop.version() == 1) {
                String email = "v1w" + writer + "e" + n + "@example.com";
                long txid = shop.changeEmail(id, email);
                if (txid != ShopClient.NOT_YET_VISIBLE) {
                    acknowledged(start, txid);
                    model.update(id, c -> c.withEmail(email));
                }
            } else {
                String name = "Renamed" + n + " Family" + writer;
                long txid = shop.rename(id, name);
                if (txid != ShopClient.NOT_YET_VISIBLE) {
                    acknowledged(start, txid);
                    model.update(id, c -> c.renamed(name));
                }
            }
        } else {
            String phone = "+44 20 " + n;
            long txid = shop.changePhone(id, phone);
            if (txid != ShopClient.NOT_YET_VISIBLE) {
                acknowledged(start, txid);
                model.update(id, c -> c.withPhone(phone));
            }
        }
    }

    private void read() throws Exception {
        long id = 1 + random.nextInt(model.seeded());
        long start = System.nanoTime();
        shop.find(id);
        meter.get().read(System.nanoTime() - start);
    }

    private long ownedSeeded() {
        long slots = model.seeded() / writers;
        return 1 + writer + writers * (long) random.nextInt((int) Math.max(1, slots - 1));
    }

    private void acknowledged(long start, long txid) {
        long end = System.nanoTime();
        meter.get().wrote(shop.version(), end - start);
        if (txid > 0) {
            lag.offer(txid, end, meter.get());
        }
    }
}
