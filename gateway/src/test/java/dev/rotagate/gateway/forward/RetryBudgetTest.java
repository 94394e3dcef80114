package dev.rotagate.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.config.RetryConfig;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    @Test
    void theFloorHoldsAtLowLoadAndEveryRefusalIsCounted() {
        RetryBudget budget = new RetryBudget(new RetryConfig(3, 20, 3));
        for (int i = 0; i < 10; i++) {
            budget.requestStarted();
        }
        // 20 % of 10 is 2: the floor of 3 applies
        assertThat(budget.tryStartRetry()).isTrue();
        assertThat(budget.tryStartRetry()).isTrue();
        assertThat(budget.tryStartRetry()).isTrue();
        assertThat(budget.tryStartRetry()).isFalse();
        assertThat(budget.tryStartRetry()).isFalse();
        assertThat(budget.started()).isEqualTo(3);
        assertThat(budget.refused()).isEqualTo(2);

        budget.retryEnded();
        assertThat(budget.tryStartRetry()).isTrue();
        assertThat(budget.started()).isEqualTo(4);
    }

    @Test
    void thePercentageRulesUnderLoad() {
        RetryBudget budget = new RetryBudget(new RetryConfig(3, 20, 3));
        for (int i = 0; i < 100; i++) {
            budget.requestStarted();
        }
        int granted = 0;
        while (budget.tryStartRetry()) {
            granted++;
        }
        assertThat(granted).isEqualTo(20);
        assertThat(budget.refused()).isEqualTo(1);
    }
}
