import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('adding-not-null-column-without-default');
