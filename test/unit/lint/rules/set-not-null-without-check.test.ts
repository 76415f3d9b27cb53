import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('set-not-null-without-check');
