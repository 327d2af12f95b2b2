package io.heliograph.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class GroupCommitterTest {
    @Test
    void callersWaitingTogetherAreWrittenTogetherAndEachGetsItsOwnAnswer() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        try (GroupCommitter<Integer, Integer> committer = new GroupCommitter<>("test", 1, 64, batch -> {
            batchSizes.add(batch.size());
            sleep(20); // a commit takes a while: callers arriving meanwhile wait for the next one together
            return batch.stream().map(i -> i * 2).toList();
        })) {
            List<CompletableFuture<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                answers.add(committer.submit(i));
            }
            for (int i = 0; i < 200; i++) {
                assertThat(answers.get(i).get()).isEqualTo(i * 2);
            }
        }
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
        assertThat(batchSizes).hasSizeLessThan(20).allMatch(n -> n <= 64);
    }

    @Test
    void beyondItsCapacityASubmissionFailsAtOnceWithFullAndTheQueuedOnesStillCommit() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        try (GroupCommitter<Integer, Integer> committer = new GroupCommitter<>("bounded", 1, 1, 2, batch -> {
            release.join(); // the writer is stuck: what arrives meanwhile waits in the queue
            return batch;
        })) {
            CompletableFuture<Integer> first = committer.submit(1);
            org.awaitility.Awaitility.await().until(() -> committer.waiting() == 0); // taken by the writer
            CompletableFuture<Integer> second = committer.submit(2);
            CompletableFuture<Integer> third = committer.submit(3);
            CompletableFuture<Integer> refused = committer.submit(4);
            assertThat(refused).isCompletedExceptionally();
            assertThatThrownBy(refused::get).hasCauseInstanceOf(GroupCommitter.Full.class);
            release.complete(null);
            assertThat(List.of(first.get(), second.get(), third.get())).containsExactly(1, 2, 3);
            assertThat(committer.submit(5).get()).isEqualTo(5);
        }
    }

    @Test
    void anItemThatCannotBeWrittenFailsAloneAndTheOthersCommit() throws Exception {
        try (GroupCommitter<String, String> committer = new GroupCommitter<>("test", 1, 64, batch -> {
            sleep(5);
            if (batch.contains("poison")) {
                throw new IllegalStateException("cannot store poison");
            }
            return batch;
        })) {
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (String item : List.of("a", "b", "poison", "c", "d")) {
                answers.add(committer.submit(item));
            }
            assertThat(answers.get(0).get()).isEqualTo("a");
            assertThat(answers.get(4).get()).isEqualTo("d");
            assertThatThrownBy(() -> answers.get(2).get()).isInstanceOf(ExecutionException.class)
                    .hasRootCauseMessage("cannot store poison");
            assertThatThrownBy(() -> committer.await("poison")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot store poison");
        }
    }

    @Test
    void anErrorFailsItsBatchInsteadOfLeavingCallersWaiting() {
        try (GroupCommitter<String, String> committer = new GroupCommitter<>("test", 1, 64, batch -> {
            throw new OutOfMemoryError("simulated");
        })) {
            assertThatThrownBy(() -> committer.await("x")).isInstanceOf(OutOfMemoryError.class);
        }
    }

    @Test
    void closingWritesWhatIsQueuedThenRefusesMore() throws Exception {
        List<String> written = new CopyOnWriteArrayList<>();
        GroupCommitter<String, String> committer = new GroupCommitter<>("test", 2, 8, batch -> {
            sleep(10);
            written.addAll(batch);
            return batch;
        });
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(committer.submit("item" + i));
        }
        committer.close();
        for (CompletableFuture<String> answer : answers) {
            assertThat(answer).isCompleted();
        }
        assertThat(written).hasSize(50);
        assertThatThrownBy(() -> committer.await("late")).hasMessageContaining("closed");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
