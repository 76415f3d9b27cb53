import { describeRuleFixtures } from '../rule-fixtures';

describeRuleFixtures('renaming-column');
