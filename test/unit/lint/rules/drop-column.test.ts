import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('drop-column');
