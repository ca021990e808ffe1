package io.tandem.applier;

import com.lmax.disruptor.EventHandler;

/**
 * The pipeline's middle stage: regroups each clean slice's rows ({@link Projection#regroup}) on its own thread,
 * before the slice reaches the {@link SliceApplier}.
 *
 * <p>Why a stage of its own: compiling and regrouping a slice is CPU work of a few microseconds per row, and the
 * apply thread is the pipeline's bottleneck (it waits on the database for each statement and commit); here it
 * overlaps with applying the previous slice. A slice with an undecodable row is left unplanned: it is applied one
 * source transaction at a time anyway.
 */
final class SlicePlanner implements EventHandler<Slice> {
    private final Projection projection;

    SlicePlanner(Projection projection) {
        this.projection = projection;
    }

    @Override
    public void onEvent(Slice slice, long sequence, boolean endOfBatch) {
        if (slice.target != null && slice.clean()) {
            slice.groups = projection.regroup(slice.transactions);
        }
    }
}
