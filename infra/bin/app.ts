// `cdk synth|deploy -c stage=dev|prod [-c alarmEmail=you@example.org]`
import { App } from 'aws-cdk-lib';
import { buildApp } from '../app-factory';
import { parseStage, StageConfigError } from '../config/stages';

const app = new App();
try {
  buildApp(parseStage(app.node.tryGetContext('stage')), app);
} catch (error) {
  // A wrong stage or stage config is a usage error: say what is allowed, without a stack trace.
  if (!(error instanceof StageConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
app.synth();
