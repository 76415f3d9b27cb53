import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('split-section');
